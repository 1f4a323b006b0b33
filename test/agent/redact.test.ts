import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyPrivacy, programName, redactCommand, REDACTED } from '../../src/agent/redact.js';
import { loadConfig } from '../../src/plugins.js';

const none = { redact: { patterns: [], allow: [] } };
const r = (line: string) => redactCommand(line, none).text;
const X = REDACTED;

// Token-shaped strings built at run time, so no literal in this file looks like a live secret.
const rep = (c: string, n: number) => c.repeat(n);
const alnum = (n: number) => 'aB3dE5gH7j'.repeat(Math.ceil(n / 10)).slice(0, n);

describe('token formats are replaced wherever they appear', () => {
  const cases: [string, string][] = [
    ['GitHub classic', `ghp_${alnum(36)}`],
    ['GitHub oauth', `gho_${alnum(36)}`],
    ['GitHub app', `ghs_${alnum(36)}`],
    ['GitHub refresh', `ghr_${alnum(40)}`],
    ['GitHub fine-grained', `github_pat_${alnum(22)}_${alnum(59)}`],
    ['GitLab PAT', `glpat-${alnum(20)}`],
    ['GitLab deploy', `gldt-${alnum(20)}`],
    ['GitLab runner', `glrt-${alnum(20)}`],
    ['AWS key id', `AKIA${'IOSFODNN7EXAMPL2'}`],
    ['AWS temporary key id', `ASIA${'Y34FZKBOKMUTVV7A'}`],
    ['Slack bot', `xoxb-${'1234567890'}-${'1234567890123'}-${alnum(24)}`],
    ['Slack user', `xoxp-${'1234567890'}-${alnum(24)}`],
    ['Slack webhook', `https://hooks.slack.com/services/T0000/B0000/${alnum(24)}`],
    ['Stripe live', `sk_live_${alnum(24)}`],
    ['Stripe restricted test', `rk_test_${alnum(24)}`],
    ['Google API key', `AIza${alnum(35)}`],
    ['Google OAuth secret', `GOCSPX-${alnum(28)}`],
    ['Google access token', `ya29.${alnum(60)}`],
    ['npm', `npm_${alnum(36)}`],
    ['JWT', `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.${alnum(43)}`],
    ['OpenAI', `sk-proj-${alnum(48)}`],
    ['Anthropic', `sk-ant-api03-${alnum(93)}AA`],
    ['Twilio', `SK${rep('0123456789abcdef', 2)}`],
    ['SendGrid', `SG.${alnum(22)}.${alnum(43)}`],
    ['Heroku', `HRKU-AA${alnum(58)}`],
    ['DigitalOcean', `dop_v1_${rep('0123456789abcdef', 4)}`],
    ['Shopify', `shpat_${rep('0123456789abcdef', 2)}`],
    ['Hugging Face', `hf_${'abcdefghij'.repeat(3)}abcd`],
    ['Azure client secret', `abc8Q~${alnum(34)}`],
  ];
  for (const [name, token] of cases)
    it(name, () => {
      const out = redactCommand(`some-tool login ${token} --verbose`, none);
      expect(out.text).toBe(`some-tool login ${X} --verbose`);
      expect(out.count).toBe(1);
    });

  it('a PEM private key block, whole, in quotes', () => {
    const pem = `-----BEGIN RSA PRIVATE KEY-----\n${alnum(64)}\n${alnum(64)}\n-----END RSA PRIVATE KEY-----`;
    expect(r(`echo '${pem}' > key.pem`)).toBe(`echo '${X}' > key.pem`);
  });

  it('an AWS secret key next to the words that name it', () => {
    const secret = `${alnum(20)}/${alnum(19)}`;
    expect(r(`aws configure set aws_secret_access_key ${secret}`)).toBe(
      `aws configure set aws_secret_access_key ${X}`,
    );
    expect(r(`AWS_SECRET_ACCESS_KEY=${secret} terraform apply`)).toBe(
      `AWS_SECRET_ACCESS_KEY=${X} terraform apply`,
    );
  });
});

describe('secrets found by their context keep the context', () => {
  const cases: [string, string, string][] = [
    [
      'Authorization: Bearer',
      'curl -H "Authorization: Bearer abc123def" https://h',
      `curl -H "Authorization: Bearer ${X}" https://h`,
    ],
    [
      'Authorization: Basic',
      "curl -H 'Authorization: Basic dXNlcjpwYXNz' https://h",
      `curl -H 'Authorization: Basic ${X}' https://h`,
    ],
    [
      'wget --header',
      "wget --header='Authorization: token abc12345' https://h",
      `wget --header='Authorization: token ${X}' https://h`,
    ],
    [
      'a secret-named header',
      'curl -H "X-Api-Key: k3y" -H "Accept: text/plain" h',
      `curl -H "X-Api-Key: ${X}" -H "Accept: text/plain" h`,
    ],
    [
      'GitLab Private-Token header',
      "curl --header 'PRIVATE-TOKEN: s3cret-value' h",
      `curl --header 'PRIVATE-TOKEN: ${X}' h`,
    ],
    ['--password=x', 'tool --password=hunter22 --host h', `tool --password=${X} --host h`],
    ['--password x', 'tool --password hunter22 --host h', `tool --password ${X} --host h`],
    ['--token x', 'deploy --token abcdef123 --env prod', `deploy --token ${X} --env prod`],
    ['--api-key', 'cli --api-key=k-123456 run', `cli --api-key=${X} run`],
    ['gh secret set --body', 'gh secret set API_KEY --body abc123xyz', `gh secret set API_KEY --body ${X}`],
    ['--client-secret', 'oauth --client-secret "a b c"', `oauth --client-secret ${X}`],
    ['single-quoted value whole', "tool --secret 'p@ss word;x'", `tool --secret ${X}`],
    ['mysql -pSECRET', 'mysql -u root -phunter22 shop', `mysql -u root -p${X} shop`],
    ['mysqldump -pSECRET', 'mysqldump -h db -phunter22 shop', `mysqldump -h db -p${X} shop`],
    ['mongosh -p SECRET', 'mongosh -u app -p hunter22 db', `mongosh -u app -p ${X} db`],
    ['docker login -p', 'docker login -u me -p t0ken registry.io', `docker login -u me -p ${X} registry.io`],
    ['sshpass -p', 'sshpass -p hunter22 ssh host', `sshpass -p ${X} ssh host`],
    ['redis-cli -a', 'redis-cli -h r -a hunter22 ping', `redis-cli -h r -a ${X} ping`],
    ['env prefix', 'DB_PASSWORD=hunter22 npm test', `DB_PASSWORD=${X} npm test`],
    ['export', "export GITHUB_TOKEN='abc def'", `export GITHUB_TOKEN=${X}`],
    ['env command', 'env NODE_AUTH_TOKEN=abc123 npm publish', `env NODE_AUTH_TOKEN=${X} npm publish`],
    ['DD_API_KEY', 'DD_API_KEY=0123456789abcdef datadog-agent run', `DD_API_KEY=${X} datadog-agent run`],
    [
      'URL query token',
      'curl "https://h/api?access_token=abc123&page=2"',
      `curl "https://h/api?access_token=${X}&page=2"`,
    ],
    [
      'URL credentials',
      'git clone https://me:s3cret@github.com/a/b.git',
      `git clone https://me:${X}@github.com/a/b.git`,
    ],
    ['postgres URL', 'psql postgres://app:p4ss@db:5432/app', `psql postgres://app:${X}@db:5432/app`],
    ['-u user:pass', 'curl -u admin:pa55 https://h', `curl -u admin:${X} https://h`],
    ['--user=user:pass', "curl --user='admin:pa55' https://h", `curl --user='admin:${X}' https://h`],
    [
      'kubectl literal',
      'kubectl create secret generic db --from-literal=password=hunter22',
      `kubectl create secret generic db --from-literal=password=${X}`,
    ],
    [
      'Azure connection string',
      'az storage blob list --connection-string "AccountName=a;AccountKey=abcdEFGH1234abcdEFGH1234abcdEFGH1234abcd==;EndpointSuffix=x"',
      `az storage blob list --connection-string "AccountName=a;AccountKey=${X};EndpointSuffix=x"`,
    ],
    ['cookie header', "curl -H 'Cookie: session=abc123' h", `curl -H 'Cookie: ${X}' h`],
  ];
  for (const [name, line, want] of cases) it(name, () => expect(r(line)).toBe(want));
});

describe('ordinary commands are left as typed', () => {
  const lines = [
    'git commit --author "Ann <ann@example.com>" -m "auth: refresh tokens earlier"',
    'GIT_AUTHOR_NAME=ann TOKENIZERS_PARALLELISM=false npm test',
    'sort --key=2,2 data.tsv',
    'openssl req -new -key ./server.key -out server.csr',
    'ssh -i ~/.ssh/id_ed25519 -o IdentitiesOnly=yes host',
    'docker login --password-stdin -u me registry.io',
    'gh auth login --with-token < token.txt',
    'deploy --token "$DEPLOY_TOKEN" --env prod',
    'curl -H "Authorization: Bearer ${TOKEN}" https://h',
    'export GITHUB_TOKEN=$(gh auth token)',
    'psql -h localhost -p 5432 -U app',
    'mysql -u root -p shop',
    'SSH_AUTH_SOCK=/tmp/agent.sock ssh host',
    'wasm-opt in.wasm --pass-arg=asyncify-imports@env.x -O',
    'npm install --save-dev eslint@9 && npx eslint --fix src',
    'git clone https://github.com/acme/api.git && cd api',
    'kubectl get secret db -o jsonpath={.data.password}',
    'ls',
  ];
  for (const line of lines)
    it(line, () => {
      const out = redactCommand(line, none);
      expect(out.text).toBe(line);
      expect(out.count).toBe(0);
    });
});

describe('long and repetitive lines', () => {
  // Each of these once sent a rule into backtracking that did not end in minutes; a line is
  // read in one pass now, so these finish (the suite's timeout is the failure).
  it('a pasted wall of repeated words is read in one pass and left alone', () => {
    for (const line of [
      'docker login '.repeat(3000),
      'mysql '.repeat(5000),
      '-'.repeat(40000),
      'a'.repeat(20000) + '='.repeat(20000),
      '-H "X: '.repeat(5000),
    ])
      expect(redactCommand(line, none).count).toBe(0);
  });
  it('a secret at the end of a long line is still found', () => {
    expect(r(`${'make all; '.repeat(2000)}docker login -u me -p t0ken r.io`)).toMatch(
      /-p \[REDACTED\] r\.io$/,
    );
  });
});

describe('agent.redact.patterns and agent.redact.allow', () => {
  it('an extra pattern replaces its match; with a group, only the group', () => {
    const cfg = { redact: { patterns: ['ACME-[0-9]{6}', 'ticket=(\\w+)'], allow: [] } };
    const out = redactCommand('acme-cli use ACME-123456 --q ticket=T42x', cfg);
    expect(out.text).toBe(`acme-cli use ${X} --q ticket=${X}`);
    expect(out.count).toBe(2);
  });

  it('the allow-list keeps a match of a built-in rule and of an extra pattern', () => {
    const keyId = `AKIA${'IOSFODNN7EXAMPLE'}`;
    const cfg = { redact: { patterns: ['ACME-[0-9]{6}'], allow: ['EXAMPLE$', '^ACME-000000$'] } };
    expect(redactCommand(`aws --id ${keyId} ACME-000000 ACME-123456`, cfg).text).toBe(
      `aws --id ${keyId} ACME-000000 ${X}`,
    );
    // Without the allow-list both are secrets.
    expect(redactCommand(`echo ${keyId}`, none).text).toBe(`echo ${X}`);
  });

  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const configWith = (yaml: string) => {
    const d = mkdtempSync(join(tmpdir(), 'pitwall-redact-'));
    dirs.push(d);
    writeFileSync(join(d, 'pitwall.yaml'), yaml);
    return () => loadConfig({ cwd: d, env: {} });
  };

  it('an invalid regular expression in pitwall.yaml is refused, naming the key', () => {
    expect(configWith('agent:\n  redact:\n    patterns: ["ok", "(unclosed"]\n')).toThrow(
      /agent\.redact\.patterns\.1.*not a valid regular expression|not a valid regular expression.*agent\.redact\.patterns\.1/s,
    );
    expect(configWith('agent:\n  redact:\n    allow: ["[z-a]"]\n')).toThrow(/agent\.redact\.allow\.0/);
  });

  it('a config that skipped validation is refused at first use, naming the key', () => {
    expect(() => redactCommand('x', { redact: { patterns: ['(bad'], allow: [] } })).toThrow(
      /agent\.redact\.patterns\[0\] is not a valid regular expression/,
    );
  });

  it('the loaded config redacts with its patterns', () => {
    const cfg = configWith('agent:\n  redact:\n    patterns: ["ACME-[0-9]{6}"]\n')().agent;
    expect(redactCommand('use ACME-123456', cfg).text).toBe(`use ${X}`);
  });
});

describe('privacy modes', () => {
  const line = 'GITHUB_TOKEN=abc123 sudo -u ci /usr/bin/npm test -- --token abc123';
  it('full keeps the line as typed', () => {
    expect(applyPrivacy(line, { ...none, privacy: 'full' })).toEqual({ text: line, count: 0 });
  });
  it('redacted (the default) replaces the secrets', () => {
    expect(applyPrivacy(line, { ...none, privacy: 'redacted' })).toEqual({
      text: `GITHUB_TOKEN=${X} sudo -u ci /usr/bin/npm test -- --token ${X}`,
      count: 2,
    });
  });
  it('program keeps only the program name', () => {
    expect(applyPrivacy(line, { ...none, privacy: 'program' }).text).toBe('npm');
  });
  const programs: [string, string][] = [
    ['/usr/bin/npm test', 'npm'],
    ['FOO=1 BAR="a b" make -j4', 'make'],
    ['sudo -E -u root apt-get install x', 'apt-get'],
    ['time cargo build --release', 'cargo'],
    ['env -u HOME NODE_ENV=test node app.js', 'node'],
    ['nice -n 10 ./scripts/build.sh', 'build.sh'],
    ['timeout 30s pytest -x', 'pytest'],
    ['"/opt/my tools/run" --fast', 'run'],
    ['git status && npm test', 'git'],
  ];
  for (const [cmd, want] of programs) it(`program: ${cmd}`, () => expect(programName(cmd)).toBe(want));
});
