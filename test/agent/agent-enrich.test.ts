import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Categorizer, programOf } from '../../src/agent/category.js';
import { RepoFinder } from '../../src/agent/repo.js';
import { nameFromRemote as repoFromUrl } from '../../src/domain/repo-key.js';
import { openGitRepo } from '../../src/collectors/git/repo.js';
import { TestRepo } from '../helpers/git-repo.js';

describe('repository from the working directory', () => {
  const repos: TestRepo[] = [];
  const plain = mkdtempSync(join(tmpdir(), 'pitwall-norepo-'));
  afterAll(() => {
    for (const r of repos) rmSync(r.dir, { recursive: true, force: true });
    rmSync(plain, { recursive: true, force: true });
  });

  it('walks up to the git root and takes owner/name from the origin remote, without running git', () => {
    const r = new TestRepo();
    repos.push(r);
    r.git(['remote', 'add', 'upstream', 'https://github.com/other/fork.git']);
    r.git(['remote', 'add', 'origin', 'git@github.com:acme/api.git']);
    mkdirSync(join(r.dir, 'src', 'deep'), { recursive: true });
    const finder = new RepoFinder();
    expect(finder.find(join(r.dir, 'src', 'deep'))).toEqual({ root: r.dir, repo: 'acme/api' });
    expect(finder.find(r.dir)).toEqual({ root: r.dir, repo: 'acme/api' });
    // Cached: a remote changed later is seen only by a new finder (or after its max age).
    r.git(['remote', 'set-url', 'origin', 'https://gitlab.example.com/group/sub/web.git']);
    expect(finder.find(join(r.dir, 'src'))?.repo).toBe('acme/api');
    expect(new RepoFinder().find(join(r.dir, 'src'))?.repo).toBe('sub/web');
  });

  it('a repository without a remote is keyed local/<folder>, as collect git keys it; a worktree by its main repository', () => {
    const r = new TestRepo();
    repos.push(r);
    expect(new RepoFinder().find(r.dir)?.repo).toBe(`local/${r.dir.split('/').at(-1)}`);
    r.write('a.txt', 'x').git(['commit', '-q', '-m', 'a']);
    r.git(['remote', 'add', 'origin', 'ssh://git@git.example.com:2222/acme/tools.git']);
    const wt = join(plain, 'wt');
    r.git(['worktree', 'add', '-q', wt]);
    expect(new RepoFinder().find(wt)).toEqual({ root: wt, repo: 'acme/tools' });
    expect(new RepoFinder().find(plain)).toBeNull();
    expect(new RepoFinder().find('relative/dir')).toBeNull();
  });

  it('keys a clone exactly as pitwall collect git does, with a remote and without', async () => {
    const r = new TestRepo();
    repos.push(r);
    r.write('a.txt', 'x').commit('a');
    expect(new RepoFinder().find(r.dir)?.repo).toBe((await openGitRepo(r.dir, r.dir)).name);
    r.git(['remote', 'add', 'origin', 'https://gitlab.example.com/acme/platform/tools.git']);
    expect(new RepoFinder().find(r.dir)?.repo).toBe((await openGitRepo(r.dir, r.dir)).name);
    expect(new RepoFinder().find(r.dir)?.repo).toBe('platform/tools');
  });

  it('reads the URL forms git accepts', () => {
    expect(repoFromUrl('https://github.com/acme/api')).toBe('acme/api');
    expect(repoFromUrl('https://user:pw@github.com/acme/api.git/')).toBe('acme/api');
    expect(repoFromUrl('git@github.com:acme/api.git')).toBe('acme/api');
    expect(repoFromUrl('ssh://git@host:22/acme/api.git')).toBe('acme/api');
    expect(repoFromUrl('file:///srv/git/acme/api.git')).toBeNull();
    expect(repoFromUrl('/srv/git/api.git')).toBeNull();
    expect(execFileSync('git', ['--version'], { encoding: 'utf8' })).toMatch(/git version/);
  });
});

describe('categories', () => {
  const c = new Categorizer({ categories: [] });
  const cases: [string, string][] = [
    ['npm test', 'test'],
    ['npm run test:unit -- --watch=false', 'test'],
    ['npm ci', 'install'],
    ['npm i -D vitest', 'install'],
    ['npm run build', 'build'],
    ['npm run lint', 'lint'],
    ['npm start', 'run'],
    ['yarn', 'install'],
    ['yarn build', 'build'],
    ['pnpm install', 'install'],
    ['pnpm vitest run', 'test'],
    ['bun test', 'test'],
    ['npx jest src', 'test'],
    ['npx tsc --noEmit', 'lint'],
    ['tsc -p tsconfig.json', 'build'],
    ['npx eslint .', 'lint'],
    ['cargo test --workspace', 'test'],
    ['cargo build --release', 'build'],
    ['cargo clippy', 'lint'],
    ['cargo run --bin x', 'run'],
    ['go test ./...', 'test'],
    ['go build ./cmd/x', 'build'],
    ['go mod download', 'install'],
    ['go vet ./...', 'lint'],
    ['mvn -q verify', 'test'],
    ['mvn clean package -DskipTests', 'build'],
    ['./mvnw test', 'test'],
    ['./gradlew :app:test', 'test'],
    ['gradle assemble', 'build'],
    ['pip install -r requirements.txt', 'install'],
    ['python -m pip install requests', 'install'],
    ['python3 -m pytest -x', 'test'],
    ['pytest tests/', 'test'],
    ['poetry install', 'install'],
    ['poetry run pytest', 'test'],
    ['uv sync', 'install'],
    ['uv run ruff check .', 'lint'],
    ['uv pip install x', 'install'],
    ['make', 'build'],
    ['make -j8 test', 'test'],
    ['make lint', 'lint'],
    ['docker build -t x .', 'build'],
    ['docker compose up -d', 'run'],
    ['docker pull node:20', 'install'],
    ['docker ps', 'other'],
    ['jest --watch', 'test'],
    ['vitest run', 'test'],
    ['git status', 'git'],
    ['gh pr create', 'git'],
    ['FOO=1 sudo -u root make install', 'build'],
    ['time npm test', 'test'],
    ['cd api && npm test', 'test'],
    ['node server.js', 'run'],
    ['./scripts/deploy.sh', 'run'],
    ['ls -la', 'other'],
    ['vim README.md', 'other'],
  ];
  it.each(cases)('%s -> %s', (line, want) => expect(c.categorize(line)).toBe(want));

  it('the rules in agent.categories come first, matched against the whole (redacted) line', () => {
    const custom = new Categorizer({
      categories: [
        { category: 'test', match: '^bin/ci-check' },
        { category: 'deploy', match: '\\bkubectl apply\\b' },
      ],
    });
    expect(custom.categorize('bin/ci-check --all')).toBe('test');
    expect(custom.categorize('kubectl apply -f x.yaml')).toBe('deploy');
    expect(custom.categorize('npm test')).toBe('test');
    expect(custom.categorize('kubectl get pods')).toBe('other');
  });

  it('the program is the first word after assignments and wrappers', () => {
    expect(programOf('AWS_SECRET=x sudo /usr/bin/make -j4')).toBe('make');
    expect(programOf('npm test && npm run build')).toBe('npm');
  });
});
