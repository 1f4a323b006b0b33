import { z } from 'zod';
import { configSection } from '../../config/sections.js';

/** The `argocd:` section of pitwall.yaml: what `pitwall serve` needs for Argo CD Notifications. */
export const argocdSection = z
  .object({
    /**
     * Shared secret of the Notifications webhook service (Argo CD cannot sign a webhook): sent as
     * the X-Pitwall-Token header, or as the basic-auth password. Better
     * PITWALL_ARGOCD_WEBHOOK_TOKEN than a file.
     */
    webhook_token: z.string().min(16).nullable().default(null),
  })
  .strict()
  .prefault({});
export type ArgocdConfig = z.output<typeof argocdSection>;

export const argocdSettings = configSection('argocd', argocdSection, {
  PITWALL_ARGOCD_WEBHOOK_TOKEN: 'webhook_token',
});

declare module '../../config/schema.js' {
  interface PluginSections {
    argocd: ArgocdConfig;
  }
}
