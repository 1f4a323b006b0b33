import type { EnrichStep } from '../step.js';

/**
 * `deployments.is_production` from `dora.production_environments` (case-insensitive). The
 * environments go into a table by upsert, never spliced into SQL, and every DORA query reads
 * the flag, so changing the setting re-derives without re-collecting.
 */
export const productionDeployments = {
  id: 'production-deployments',
  description: 'which deployments went to a production environment (dora.production_environments)',
  reads: ['deployments'],
  writes: ['production_environments', 'deployments.is_production'],
  config: (c) => c.dora.production_environments.map((e) => e.toLowerCase()),
  async run({ store, config }) {
    const names = [...new Set(config.dora.production_environments.map((e) => e.toLowerCase()))];
    await store.transaction(async (tx) => {
      await tx.upsert([
        {
          table: 'production_environments',
          columns: ['environment'],
          key: ['environment'],
          rows: names.map((n) => [n]),
          replace: true,
        },
      ]);
      await tx.query(`update deployments set is_production = lower(environment) in (select environment from production_environments)
        where is_production is null or is_production <> (lower(environment) in (select environment from production_environments))`);
    });
    const [row] = await store.query<{ n: number }>(
      'select count(*) as n from deployments where is_production',
    );
    return Number(row?.n ?? 0);
  },
} satisfies EnrichStep;
