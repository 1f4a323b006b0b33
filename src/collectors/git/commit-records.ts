import type { RecordInput } from '../../domain/records.js';
import { looksLikeBot } from '../../domain/rules.js';
import { identityOf } from './identity.js';
import type { ParsedCommit } from './log-parser.js';
import { readMessage } from './messages.js';

/** Turns parsed commits into commit and person records for one repository. */
export class CommitMapper {
  /** `knownPeople`: identities already stored or emitted; git never overwrites a person (their team comes from elsewhere). */
  constructor(
    private readonly repo: string,
    private readonly knownPeople: Set<string>,
  ) {}

  /** Appends the commit's record (and its author's, when new) to `out`. */
  map(c: ParsedCommit, out: { push(r: RecordInput<'commit'> | RecordInput<'person'>): unknown }): void {
    const isMerge = c.parents.length > 1;
    const msg = readMessage(c.subject, c.body, isMerge);
    const author = identityOf(c.authorName, c.authorEmail);
    if (!this.knownPeople.has(author)) {
      this.knownPeople.add(author);
      out.push({
        kind: 'person',
        login: author,
        name: c.authorName || null,
        email: c.authorEmail || null,
        // What the commit itself shows; `bots.logins` is applied in enrichment.
        is_bot: looksLikeBot(c.authorName, c.authorEmail),
      });
    }
    out.push({
      kind: 'commit',
      repo: this.repo,
      sha: c.sha,
      author,
      author_email: c.authorEmail || null,
      authored_at: c.authoredAt,
      committed_at: c.committedAt,
      // Merges carry their first-parent diff (what the merged branch brought in), so a PR's
      // size can be read from its merge commit. Repository-wide line counts must exclude
      // merges, or every merged line would be counted twice (see metrics/definitions/git.ts).
      additions: c.additions,
      deletions: c.deletions,
      files: c.files,
      parents: c.parents,
      is_merge: isMerge,
      merged_branch: msg.mergedBranch,
      reverts_sha: msg.revertsSha,
      pr_number: msg.prNumber,
      subject: c.subject,
      paths: c.paths,
    });
  }
}
