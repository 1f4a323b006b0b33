import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { DemoApp } from './argocd-server.js';

/** What Go's text/template gives for a path into the Application: a missing key is null under toJson. */
const at = (o: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as never)[k] : undefined), o) ??
  null;

/** The webhook body template exactly as docs/argocd.md tells users to install it. */
function documentedTemplate(): string {
  const doc = readFileSync(fileURLToPath(new URL('../../docs/argocd.md', import.meta.url)), 'utf8');
  const block = /```yaml\n([\s\S]*?)```/.exec(doc.slice(doc.indexOf('## Webhooks from Argo CD')))?.[1];
  const cm = parse(block ?? '') as Record<string, string>;
  const template = parse(cm['template.pitwall-sync'] ?? '') as {
    webhook?: { pitwall?: { method?: string; body?: string } };
  };
  const hook = template.webhook?.pitwall;
  if (hook?.method !== 'POST' || !hook.body)
    throw new Error('docs/argocd.md: template.pitwall-sync has no POST webhook body for the pitwall service');
  return hook.body;
}
const TEMPLATE = documentedTemplate();

/**
 * Renders the documented template for an app as Notifications would: each `{{toJson .app.X}}`
 * becomes the JSON of that path. Anything else in braces would need Go to render, so it throws.
 */
export function renderNotification(app: DemoApp): string {
  const out = TEMPLATE.replace(/\{\{\s*toJson\s+\.app\.([\w.]+)\s*\}\}/g, (_, path: string) =>
    JSON.stringify(at(app, path)),
  );
  if (out.includes('{{'))
    throw new Error(`docs/argocd.md: the template holds more than toJson of .app paths: ${out}`);
  return out;
}
