import { serveJson, type TestHttpServer } from '../incidents/http-kit.js';

/**
 * A stand-in for GitHub's Copilot metrics REST API. No recorded Copilot responses exist in the
 * shared fixtures, so the bodies follow GitHub's documented response for
 * GET /orgs/{org}/copilot/metrics (one object per day: total_active_users, total_engaged_users,
 * copilot_ide_code_completions.editors[].models[].languages[] with the suggestion, acceptance and
 * line counts, copilot_ide_chat, copilot_dotcom_chat, copilot_dotcom_pull_requests) and for
 * GET /orgs/{org}/copilot/billing. Like GitHub it filters by `since`/`until`, answers 422 for a
 * team with fewer than five licensed members, and wants the token in the Authorization header.
 */
export interface CopilotServer extends TestHttpServer {
  /** The organisation's days, and each team's; change them between runs. */
  days: Record<string, unknown>[];
  teams: Record<string, Record<string, unknown>[] | 'too_small'>;
  /** null: billing answers 403 (a token without the billing scope). */
  seats: number | null;
  /** When set, the org endpoint answers 422 as GitHub does with the metrics policy off. */
  policyDisabled: boolean;
}

export interface DayShape {
  date: string;
  active: number;
  engaged: number;
  /** editor -> language -> [engaged, suggestions, acceptances, lines suggested, lines accepted], per model. */
  editors: Record<string, { engaged: number; models: Record<string, Record<string, number[]>> }>;
  chatEngaged?: number;
}

/** One day in GitHub's documented shape, from a compact description. */
export function copilotDay(d: DayShape): Record<string, unknown> {
  const languages = new Map<string, number>();
  const editors = Object.entries(d.editors).map(([name, e]) => ({
    name,
    total_engaged_users: e.engaged,
    models: Object.entries(e.models).map(([model, langs]) => ({
      name: model,
      is_custom_model: model !== 'default',
      custom_model_training_date: null,
      total_engaged_users: Math.max(...Object.values(langs).map((v) => v[0]!)),
      languages: Object.entries(langs).map(([lang, [engaged, sug, acc, ls, la]]) => {
        languages.set(lang, Math.max(languages.get(lang) ?? 0, engaged!));
        return {
          name: lang,
          total_engaged_users: engaged,
          total_code_suggestions: sug,
          total_code_acceptances: acc,
          total_code_lines_suggested: ls,
          total_code_lines_accepted: la,
        };
      }),
    })),
  }));
  return {
    date: d.date,
    total_active_users: d.active,
    total_engaged_users: d.engaged,
    copilot_ide_code_completions: {
      total_engaged_users: Math.max(0, ...editors.map((e) => e.total_engaged_users)),
      languages: [...languages].map(([name, total_engaged_users]) => ({ name, total_engaged_users })),
      editors,
    },
    copilot_ide_chat: {
      total_engaged_users: d.chatEngaged ?? 0,
      editors: [
        {
          name: 'vscode',
          total_engaged_users: d.chatEngaged ?? 0,
          models: [
            {
              name: 'default',
              is_custom_model: false,
              custom_model_training_date: null,
              total_engaged_users: d.chatEngaged ?? 0,
              total_chats: 40,
              total_chat_insertion_events: 5,
              total_chat_copy_events: 3,
            },
          ],
        },
      ],
    },
    copilot_dotcom_chat: {
      total_engaged_users: 2,
      models: [{ name: 'default', is_custom_model: false, total_engaged_users: 2, total_chats: 7 }],
    },
    copilot_dotcom_pull_requests: { total_engaged_users: 0 },
  };
}

const ERR = (message: string) => ({
  message,
  documentation_url: 'https://docs.github.com/rest/copilot/copilot-metrics',
  status: '',
});

export async function startCopilotServer(o: { org: string; token: string }): Promise<CopilotServer> {
  // The handler reads the object the test holds, so changes between runs are served.
  const state: Pick<CopilotServer, 'days' | 'teams' | 'seats' | 'policyDisabled'> = {
    days: [],
    teams: {},
    seats: null,
    policyDisabled: false,
  };
  const window = (days: Record<string, unknown>[], q: URLSearchParams) => {
    const since = q.get('since')?.slice(0, 10);
    const until = q.get('until')?.slice(0, 10);
    return days.filter((d) => (!since || String(d.date) >= since) && (!until || String(d.date) <= until));
  };
  const server = await serveJson((hit) => {
    const auth = hit.authorization ?? '';
    if (auth !== `token ${o.token}` && auth !== `Bearer ${o.token}` && auth !== `bearer ${o.token}`)
      return { status: 401, body: ERR('Bad credentials') };
    const org = `/orgs/${o.org}`;
    if (hit.path === `${org}/copilot/metrics`)
      return state.policyDisabled
        ? {
            status: 422,
            body: ERR('Copilot Usage Metrics API setting is disabled at the organization level.'),
          }
        : { status: 200, body: window(state.days, hit.query) };
    const team = new RegExp(`^${org}/team/([^/]+)/copilot/metrics$`).exec(hit.path);
    if (team) {
      const t = state.teams[team[1]!];
      if (t === undefined) return { status: 404, body: ERR('Not Found') };
      if (t === 'too_small')
        return {
          status: 422,
          body: ERR(
            'Copilot metrics are not available for teams with fewer than 5 members with Copilot licenses.',
          ),
        };
      return { status: 200, body: window(t, hit.query) };
    }
    if (hit.path === `${org}/copilot/billing`)
      return state.seats === null
        ? { status: 403, body: ERR('Resource not accessible by personal access token') }
        : {
            status: 200,
            body: {
              seat_breakdown: {
                total: state.seats,
                added_this_cycle: 2,
                pending_invitation: 0,
                pending_cancellation: 0,
                active_this_cycle: state.seats - 1,
                inactive_this_cycle: 1,
              },
              seat_management_setting: 'assign_selected',
              ide_chat: 'enabled',
              platform_chat: 'enabled',
              cli: 'enabled',
              public_code_suggestions: 'block',
              plan_type: 'business',
            },
          };
    return { status: 404, body: ERR('Not Found') };
  });
  return Object.assign(state, server);
}
