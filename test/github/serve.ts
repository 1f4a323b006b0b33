/**
 * Runs the GitHub test server by hand:
 *   npx tsx test/github/serve.ts --demo --developers 20 --days 30
 *   npx tsx test/github/serve.ts --fixtures
 * and prints its URLs; point a collector (or curl -H 'Authorization: token x') at them.
 */
import { parseArgs } from 'node:util';
import { startGitHubServer } from './server.js';

const { values } = parseArgs({
  options: {
    demo: { type: 'boolean', default: false },
    fixtures: { type: 'boolean', default: false },
    developers: { type: 'string', default: '20' },
    days: { type: 'string', default: '30' },
    seed: { type: 'string', default: '42' },
    end: { type: 'string' },
    'page-size': { type: 'string', default: '100' },
    'bad-gateway-rate': { type: 'string', default: '0' },
  },
});

const gh = await startGitHubServer({
  source: values.fixtures && !values.demo ? 'fixtures' : 'demo',
  demoOptions: {
    developers: Number(values.developers),
    days: Number(values.days),
    seed: Number(values.seed),
    ...(values.end ? { end: new Date(values.end) } : {}),
  },
  pageSize: Number(values['page-size']),
  faults: { badGatewayRate: Number(values['bad-gateway-rate']) },
});
const repos = [...gh.data.repos.values()];
console.log(`GitHub test server: ${gh.url}`);
console.log(`  GraphQL: ${gh.graphqlUrl}   Enterprise Server base: ${gh.enterpriseUrl}`);
console.log(
  `  ${repos.length} repositories, ${repos.reduce((s, r) => s + r.pulls.length, 0)} pull requests, ${repos.reduce((s, r) => s + r.runs.length, 0)} workflow runs`,
);
console.log(`  try: curl -H 'Authorization: token x' ${gh.url}/orgs/${repos[0]?.owner ?? 'demo'}/repos`);
const stop = () => void gh.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
