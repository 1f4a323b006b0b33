import { describe, expect, it } from 'vitest';
import { appList, productionEnvironment, repoOf } from '../../src/collectors/argocd/map.js';
import { demoApps } from './argocd-server.js';

const PATTERN = /^(prod|production|live)([-_ ./].*)?$/i;

describe('Argo CD application mapping', () => {
  it('names the production-like destination: namespace first, then cluster name, else none', () => {
    const apps = appList.parse({ items: demoApps() }).items!;
    expect(apps.map((a) => [a.metadata.name, productionEnvironment(a, PATTERN)])).toEqual([
      ['checkout', 'production'],
      ['search', 'prod-eu'],
      ['billing', null],
      ['charts', 'prod'],
    ]);
  });

  it('reads owner/name from https and ssh repo URLs, and nothing from a Helm repository root', () => {
    expect(repoOf('https://github.com/acme/shop.git')).toBe('acme/shop');
    expect(repoOf('git@github.com:acme/shop.git')).toBe('acme/shop');
    expect(repoOf('https://gitlab.example.com/group/sub/api')).toBe('sub/api');
    expect(repoOf('https://charts.example.com')).toBeNull();
    expect(repoOf('https://github.com/acme')).toBeNull();
    expect(repoOf(null)).toBeNull();
  });

  it('takes a list without items (how Argo CD sends none) as empty, and refuses an app without a name', () => {
    expect(appList.parse({ metadata: {} }).items ?? []).toEqual([]);
    expect(appList.safeParse({ items: [{ metadata: {}, spec: { destination: {} } }] }).success).toBe(false);
  });
});
