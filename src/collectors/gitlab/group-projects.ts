import type { GitLabClient } from './client.js';

interface RestProject {
  path_with_namespace: string;
  default_branch?: string | null;
  archived?: boolean;
}

/** Every non-archived project of a group and its subgroups, by keyset pages (Link headers). */
export async function listGroupProjects(
  client: GitLabClient,
  group: string,
): Promise<{ path: string; default_branch: string | null }[]> {
  const out: { path: string; default_branch: string | null }[] = [];
  let next: string | null = `/groups/${encodeURIComponent(group)}/projects`;
  let query: Record<string, string | number | boolean> = {
    include_subgroups: true,
    archived: false,
    pagination: 'keyset',
    order_by: 'id',
    sort: 'asc',
    per_page: 100,
    simple: true,
  };
  while (next) {
    const page: { data: RestProject[]; next: string | null } = await client.get<RestProject[]>(next, query);
    for (const p of page.data)
      if (!p.archived) out.push({ path: p.path_with_namespace, default_branch: p.default_branch ?? null });
    next = page.next;
    query = {};
  }
  return out;
}
