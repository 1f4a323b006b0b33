import { StrictMode, useMemo } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router';
import { api } from './api.js';
import { Layout } from './components/Layout.js';
import { RegistryContext, useLoad } from './data.js';
import { Correlations } from './pages/Correlations.js';
import { Executive } from './pages/Executive.js';
import { Experiments } from './pages/Experiments.js';
import { Feedback } from './pages/Feedback.js';
import { InnerLoop } from './pages/InnerLoop.js';
import { Platform } from './pages/Platform.js';
import { Space } from './pages/Space.js';
import { Team } from './pages/Team.js';
import { TestEnv } from './pages/TestEnv.js';
import './styles.css';

const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { path: '/', element: <Navigate to="/executive" replace /> },
      { path: '/executive', element: <Executive /> },
      { path: '/platform', element: <Platform /> },
      { path: '/space', element: <Space /> },
      { path: '/correlations', element: <Correlations /> },
      { path: '/experiments', element: <Experiments /> },
      { path: '/feedback-insights', element: <Feedback /> },
      { path: '/inner-loop', element: <InnerLoop /> },
      { path: '/test-environments', element: <TestEnv /> },
      { path: '/team/:team', element: <Team /> },
      {
        path: '*',
        element: (
          <p className="error">
            No such dashboard. Try Executive, Platform, Test environments, Inner loop or Team.
          </p>
        ),
      },
    ],
  },
]);

/** The registry (titles, units, meaning, targets) is read once: every panel needs it. */
function App() {
  const { data, error } = useLoad('registry', () => api.registry());
  const registry = useMemo(() => new Map((data?.metrics ?? []).map((m) => [m.name, m])), [data]);
  if (error) return <p className="error">Cannot reach the Pitwall API: {error}</p>;
  if (!data) return <p className="loading">Loading…</p>;
  return (
    <RegistryContext.Provider value={registry}>
      <RouterProvider router={router} />
    </RegistryContext.Provider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
