import { createContext, useContext, useEffect, useState } from 'react';
import type { MetricInfo } from './types.js';

export interface Loaded<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
}

// How many reads are in flight, on <body data-pending>: browser tests and screenshot tools wait
// for 0 instead of guessing a delay.
let pending = 0;
function track<T>(p: Promise<T>): Promise<T> {
  document.body.dataset.pending = String(++pending);
  const done = () => (document.body.dataset.pending = String(--pending));
  p.then(done, done);
  return p;
}

/**
 * Runs a read whenever its key changes and drops answers that arrive after a newer request, so a
 * quick change of filter never shows the numbers of the old one.
 */
export function useLoad<T>(key: string, load: () => Promise<T>): Loaded<T> {
  const [state, setState] = useState<Loaded<T> & { key: string | null }>({
    data: null,
    error: null,
    loading: true,
    key: null,
  });
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    track(load()).then(
      (data) => live && setState({ data, error: null, loading: false, key }),
      (e: unknown) =>
        live &&
        setState({ data: null, error: e instanceof Error ? e.message : String(e), loading: false, key }),
    );
    return () => {
      live = false;
    };
    // The key stands for everything the load reads.
  }, [key]);
  // Until the answer for this key arrives the old data is not this view's data.
  return state.key === key ? state : { data: null, error: null, loading: true };
}

export const RegistryContext = createContext<Map<string, MetricInfo>>(new Map());

export const useMetricInfo = (name: string): MetricInfo | undefined => useContext(RegistryContext).get(name);
export const useRegistry = () => useContext(RegistryContext);
