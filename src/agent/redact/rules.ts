/**
 * The built-in redaction rules. Each rule is a `pre` part that is kept (a flag name, a header
 * name, `user:` of a URL) and a `secret` part that is replaced, so the line still reads
 * (`--token=[REDACTED]`). Rules are joined into two combined expressions, one pass each: the
 * context rules (names are matched case-insensitively) and the token formats (case matters:
 * `AKIA` is a key id, `akia` is not). Neither part may hold a capturing group: the combiner
 * numbers the groups (two per rule).
 */
export interface Rule {
  id: string;
  /** Kept text before the secret; `''` for a bare token. Non-capturing groups only. */
  pre: string;
  /** The secret itself (replaced). Non-capturing groups only. */
  secret: string;
  /** Called with the secret, the kept text and the line before the match: false keeps it as it is. */
  accept?: (secret: string, pre: string, before: string) => boolean;
}

/**
 * One shell word: quoted parts ('...' taken whole, "..." with its escapes) and unquoted
 * characters up to a space or an operator. `&` ends it too, so a URL query's next field is kept.
 */
const WORD = String.raw`(?:'[^']*'|"(?:[^"\\]|\\.)*"|\\.|[^\s'"\\;&|<>()\x60])+`;
/** A header value inside quotes or a bare word: up to the closing quote or the end of the word. */
const HEADER_VALUE = String.raw`[^\s'"][^'"\n]*|(?:\\.|[^\s'"\\])+`;

/** Words that name a secret wherever they stand in a flag or variable name. */
const STRONG_PARTS = new Set([
  'password',
  'passwd',
  'passphrase',
  'token',
  'tokens',
  'secret',
  'secrets',
  'apikey',
  'accesskey',
  'secretkey',
  'privatekey',
  'masterkey',
  'authtoken',
  'authkey',
  'sessionkey',
  'credential',
  'credentials',
  'creds',
]);
/** Words that name a secret only as the last word (`--key`, `DD_API_KEY`, but `--pass-arg`, `SSH_AUTH_SOCK` do not). */
const LAST_PARTS = new Set(['key', 'keys', 'pass', 'pwd', 'pw', 'auth', 'pat', 'otp']);
/** Parts that name a secret even inside a longer word (GHTOKEN, DBPASSWORD, CLIENTSECRET). */
const SECRET_INFIX = /password|passwd|passphrase|token|secret|credential/;
/** A last word that says the value is a path, a name or a mode, not the secret itself. */
const NOT_SECRET_LAST =
  /^(?:file|path|dir|id|type|name|stdin|env|cmd|command|helper|length|size|mode|method|url|uri|host|user|username|format|algorithm|alg|ring|store|server|provider|scope|scopes|expiry|ttl|sock|socket|arg|args|count|limit|header|prefix|suffix|version)$/;

/** Whether a flag or variable name says its value is a secret (AUTHOR and MONKEY do not). */
export function namesSecret(name: string): boolean {
  const parts = name
    .replace(/^-+/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[-_.]+/)
    .filter(Boolean);
  if (!parts.length) return false;
  const last = parts[parts.length - 1]!;
  if (NOT_SECRET_LAST.test(last)) {
    // ACCESS_KEY_ID and KEY_ID name a key id (AWS), which is sensitive too.
    return last === 'id' && parts.includes('key');
  }
  return LAST_PARTS.has(last) || parts.some((p) => STRONG_PARTS.has(p) || SECRET_INFIX.test(p));
}

/** Values that are not secrets themselves: references, paths to key files, switches, numbers. */
export function plainValue(raw: string): boolean {
  const v = raw.replace(/^(['"])(.*)\1$/s, '$2');
  if (v === '' || v.length < 2) return true;
  // $TOKEN, ${TOKEN}, $(pass show x), `cat file`: the secret is not in the line.
  if (/^\$(?:\w+|\{[^}]*\}|\(.*\))$/s.test(v) || /^`.*`$/s.test(v)) return true;
  if (/^(?:true|false|yes|no|on|off|none|null|nil|undefined|stdin|-)$/i.test(v)) return true;
  // Ports, counts, ranges (sort --key=2,2), versions; a long run of digits can be a key.
  if (/^[\d.,:+-]+$/.test(v) && (v.length < 8 || /[.,:+-]/.test(v))) return true;
  if (/^(?:~|\.{1,2})?\//.test(v) && !v.includes(':')) return true;
  if (
    /^[\w.-]+\.(?:pem|key|crt|cer|pub|json|txt|gpg|asc|p12|pfx|jks|keystore|env|ya?ml|toml|ini|conf)$/i.test(
      v,
    )
  )
    return true;
  // Placeholders people type in docs and scripts.
  if (/^<[^>]*>$|^\*+$|^x+$|^\.\.\.$/i.test(v)) return true;
  return false;
}

const MYSQL =
  /\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlcheck|mysqlpump|mysqlsh|mariadb|mariadb-dump|mariadb-admin)\b/;
const PASSWORD_P = /\b(?:sshpass|mongo|mongosh|mongodump|mongorestore|mongoexport|mongoimport)\b/;
const REGISTRY_LOGIN = /\b(?:docker|podman|buildah|skopeo|nerdctl|helm|oras|crane|regctl)\b.*\blogin\b/;

/** The simple command a flag belongs to: the text since the last `;`, `&`, `|` or newline (at most 300 characters). */
function segment(before: string): string {
  const tail = before.length > 300 ? before.slice(-300) : before;
  const cut = Math.max(
    tail.lastIndexOf(';'),
    tail.lastIndexOf('&'),
    tail.lastIndexOf('|'),
    tail.lastIndexOf('\n'),
  );
  return cut < 0 ? tail : tail.slice(cut + 1);
}

/** The next option (`--token --verbose`), not a value; a key may start with `-` too. */
const FLAG = /^--?[a-z][a-z0-9-]*(?:=.*)?$/;

/** Rules that need context: flag and variable names, headers, URLs. Matched case-insensitively. */
export const contextRules: Rule[] = [
  {
    // PEM blocks first: their lines hold words an assignment rule could take apart.
    id: 'private-key-block',
    pre: '',
    secret: String.raw`-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----|$)`,
  },
  {
    id: 'url-credentials',
    // The scheme stays outside the match: it is kept anyway, and a literal start is fast.
    pre: String.raw`://[^\s:/@'"]*:`,
    secret: String.raw`[^\s@/"]+(?=@)`,
    accept: (s) => !plainValue(s),
  },
  {
    id: 'authorization-header',
    pre: String.raw`\b(?:proxy-)?authorization\s*:\s*(?:(?:bearer|basic|token|digest|negotiate|bot|apikey|api-key|sso-key|key|otr|hmac|aws4-hmac-sha256|dpop|mac)\s+)?`,
    secret: HEADER_VALUE,
    accept: (s) => !plainValue(s),
  },
  {
    // -H 'X-Api-Key: v', --header "Private-Token: v", --header=X-Auth-Token:v
    id: 'secret-header',
    pre: String.raw`-(?<![\w-]-)(?:H\s*['"]?|-header[=\s]\s*['"]?)(?!(?:proxy-)?authorization\b|(?:set-)?cookie\b)[\w-]+\s*:\s*`,
    secret: HEADER_VALUE,
    accept: (s, pre) => namesSecret(/([\w-]+)\s*:\s*$/.exec(pre)![1]!) && !plainValue(s),
  },
  {
    id: 'cookie-header',
    pre: String.raw`-(?<![\w-]-)(?:H\s*['"]?|-header[=\s]\s*['"]?)(?:set-)?cookie\s*:\s*`,
    secret: HEADER_VALUE,
  },
  {
    id: 'curl-cookie',
    pre: String.raw`-(?<![\w-]-)(?:b|-cookie)\s+['"]?(?=[^\s'"]*=)`,
    secret: String.raw`[^\s'"]+`,
  },
  {
    // curl -u user:pass, --user=user:pass; the user name stays.
    id: 'user-password',
    pre: String.raw`-(?<![\w-]-)(?:u|-user|-proxy-user)(?:\s+|=)['"]?[^\s:'"]*:`,
    secret: String.raw`[^\s'"]+`,
    accept: (s) => !plainValue(s),
  },
  {
    // -p as a password: mysql -pSECRET (attached only: `mysql -p shop` prompts, shop is the
    // database), sshpass -p x, mongosh -p x, docker login -p x. Matched at the flag, the
    // program looked for behind it, so a long line costs one pass (a program-first expression
    // backtracks badly on `docker login docker login ...`). --password is the flag rule's.
    id: 'password-p-flag',
    pre: String.raw`(?<=\s)-p\s*`,
    secret: WORD,
    accept: (s, pre, before) => {
      const cmd = segment(before);
      const known = PASSWORD_P.test(cmd) || REGISTRY_LOGIN.test(cmd) || (pre === '-p' && MYSQL.test(cmd));
      return known && !plainValue(s);
    },
  },
  {
    id: 'redis-password-flag',
    pre: String.raw`(?<=\s)-a\s+`,
    secret: WORD,
    accept: (s, _pre, before) => /\bredis-cli\b/.test(segment(before)) && !plainValue(s),
  },
  {
    // --password=x, --password x, --api-key x, -token x, --client-secret x
    id: 'secret-flag',
    pre: String.raw`-(?<![\w-]-)-?[a-z][\w-]*(?:=|\s+)`,
    secret: WORD,
    accept: (s, pre, before) => {
      const name = /^--?([\w-]+)/.exec(pre)![1]!;
      // gh secret set NAME --body x: the value of a secret being set.
      const secretValue =
        /^(?:body|value)$/.test(name) && /\bsecrets?\s+(?:set|create|put)\b/.test(segment(before));
      return (secretValue || namesSecret(name)) && !FLAG.test(s) && !plainValue(s);
    },
  },
  {
    // PASSWORD=x cmd, export GITHUB_TOKEN=x, ?access_token=x in a URL, AccountKey=x; in a
    // connection string; token: x in a quoted config snippet.
    id: 'secret-assignment',
    // Matched from the `=` (a literal start is fast); the name is read behind it.
    pre: String.raw`(?<=(?<![\w$-])[a-z_][\w.-]*)(?:=|:[ \t]*(?=['"]))`,
    secret: WORD,
    accept: (s, _pre, before) => namesSecret(/[\w.-]+$/.exec(before)![0]) && !plainValue(s),
  },
  {
    // Connection-string fields end at `;`, which WORD stops at already; these names say so.
    id: 'connection-string-field',
    pre: String.raw`\b(?:accountkey|sharedaccesskey|sharedaccesssignature|password|pwd)=`,
    secret: String.raw`[^;'"\s]+`,
    accept: (s) => !plainValue(s),
  },
  {
    // aws configure set aws_secret_access_key X, gh secret set NAME --body X (the name: a flag).
    id: 'aws-configure-secret',
    pre: String.raw`\baws\s+configure\s+set\s+(?:[\w.-]*\.)?(?:aws_secret_access_key|aws_session_token|aws_access_key_id)\s+`,
    secret: WORD,
  },
];

/**
 * No context rule can match a line without one of these (a secret word, a URL, a flag the
 * rules know): lines without any skip the context pass. Keep it in step with the rules.
 */
export const contextGate =
  /pass|pw|token|secret|key|auth|cred|cookie|otp|pat|sig=|:\/\/|(?:^|\s)-[upab]|--(?:proxy-)?user|login|-----begin/i;

/** Characters of tokens: every token format is a run of at least 15 of them. */
const TOKEN_CHAR = new Uint8Array(128);
for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.+/=~%-')
  TOKEN_CHAR[c.charCodeAt(0)] = 1;

/** Whether a line has a run of 15 token characters: lines without one skip the format pass. */
export function formatGate(line: string): boolean {
  let run = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c < 128 && TOKEN_CHAR[c]) {
      if (++run >= 15) return true;
    } else run = 0;
  }
  return false;
}

/** Token formats: a secret on sight, wherever it appears. Case-sensitive. */
export const formatRules: Rule[] = [
  { id: 'github-token', pre: '', secret: String.raw`\bgh[pousr]_[A-Za-z0-9_]{36,255}` },
  { id: 'github-fine-grained', pre: '', secret: String.raw`\bgithub_pat_[A-Za-z0-9_]{22,255}` },
  { id: 'github-app-v1', pre: '', secret: String.raw`\bv1\.[0-9a-f]{40}\b` },
  {
    id: 'gitlab-token',
    pre: '',
    secret: String.raw`\bgl(?:pat|ptt|dt|rt|imt|agent|oas|soat|ffct|cbt|ft|ddt|wt|sa|c)-[0-9A-Za-z_.-]{20,}|\bGR1348941[0-9A-Za-z_-]{20,}`,
  },
  {
    id: 'aws-access-key-id',
    pre: '',
    secret: String.raw`\b(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|APKA)[A-Z0-9]{16}\b`,
  },
  {
    // A 40-character secret key next to words that say so (aws_secret_access_key = "...").
    id: 'aws-secret-key',
    pre: String.raw`(?:[Aa][Ww][Ss]|AMAZON|amazon)[\w.-]{0,20}(?:SECRET|Secret|secret)[\w.-]{0,20}['"]?\s*[:=>]{1,2}\s*['"]?`,
    secret: String.raw`[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])`,
  },
  {
    id: 'slack-token',
    pre: '',
    secret: String.raw`\bxox[abposecr]-(?:\d+-)?[0-9A-Za-z-]{10,}|\bxapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+|\bxoxe\.xox[bp]-\d-[A-Za-z0-9]{100,}`,
  },
  {
    id: 'slack-webhook',
    pre: '',
    secret: String.raw`(?:https?://)?hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/_-]{20,}`,
  },
  {
    id: 'stripe-key',
    pre: '',
    secret: String.raw`\b(?:sk|rk)_(?:live|test|prod)_[0-9A-Za-z]{10,}|\bwhsec_[0-9A-Za-z]{24,}`,
  },
  { id: 'google-api-key', pre: '', secret: String.raw`\bAIza[0-9A-Za-z_-]{35}` },
  {
    id: 'google-oauth',
    pre: '',
    secret: String.raw`\bGOCSPX-[0-9A-Za-z_-]{28}|\bya29\.[0-9A-Za-z_-]{20,}|\b1//0[0-9A-Za-z_-]{30,}`,
  },
  { id: 'npm-token', pre: '', secret: String.raw`\b[Nn][Pp][Mm]_[A-Za-z0-9]{36}\b` },
  {
    id: 'jwt',
    pre: '',
    secret: String.raw`\bey[A-Za-z0-9_-]{10,}\.ey[A-Za-z0-9_/\\-]{10,}\.[A-Za-z0-9_/\\-]*={0,2}`,
  },
  {
    id: 'openai-anthropic-key',
    pre: '',
    secret: String.raw`\bsk-(?:ant-(?:api|admin|sid)\d\d-|proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,}`,
  },
  { id: 'twilio-key', pre: '', secret: String.raw`\bSK[0-9a-fA-F]{32}\b` },
  {
    id: 'sendgrid-key',
    pre: '',
    secret: String.raw`\b[Ss][Gg]\.[A-Za-z0-9_=-]{20,24}\.[A-Za-z0-9_=-]{39,50}|\b[Ss][Gg]\.[A-Za-z0-9=_.-]{66}(?![\w.=-])`,
  },
  {
    id: 'azure-client-secret',
    pre: '',
    secret: String.raw`(?<![\w~.-])[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![\w~.-])`,
  },
  { id: 'azure-sas-signature', pre: String.raw`\bsig=`, secret: String.raw`[A-Za-z0-9%/+]{20,}={0,2}` },
  {
    id: 'azure-account-key',
    pre: String.raw`\b(?:AccountKey|SharedAccessKey)=`,
    secret: String.raw`[A-Za-z0-9+/]{40,}={0,2}`,
  },
  { id: 'heroku-key', pre: '', secret: String.raw`\bHRKU-(?:AA)?[0-9A-Za-z_-]{58,60}` },
  { id: 'digitalocean-token', pre: '', secret: String.raw`\bdo[opr]_v1_[a-f0-9]{64}\b` },
  { id: 'shopify-token', pre: '', secret: String.raw`\bshp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}\b` },
  {
    // Prefixed formats of other common services: unambiguous on sight.
    id: 'prefixed-token',
    pre: '',
    secret: [
      String.raw`\bhf_[A-Za-z]{34}\b`, // Hugging Face
      String.raw`\bapi_org_[A-Za-z]{34}\b`,
      String.raw`\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}`, // PyPI
      String.raw`\bdckr_pat_[A-Za-z0-9_-]{27,}`, // Docker Hub
      String.raw`\bdp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44}\b`, // Doppler
      String.raw`\bsntr[ysu]_[A-Za-z0-9_=+/-]{40,}`, // Sentry
      String.raw`\bglc_[A-Za-z0-9+/]{32,400}={0,2}`, // Grafana cloud
      String.raw`\bglsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}\b`, // Grafana service account
      String.raw`\beyJrIjoi[A-Za-z0-9]{70,400}={0,2}`, // Grafana API key
      String.raw`\blin_(?:api|oauth)_[A-Za-z0-9]{40}\b`, // Linear
      String.raw`\bpscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.=-]{32,64}`, // PlanetScale
      String.raw`\bPMAK-[A-Fa-f0-9]{24}-[A-Fa-f0-9]{34}\b`, // Postman
      String.raw`\bATATT3[A-Za-z0-9_=-]{186}`, // Atlassian
      String.raw`\bAGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}\b`, // age
      String.raw`\bsq0(?:atp|csp)-[0-9A-Za-z_-]{22,43}`, // Square
      String.raw`\bEAAA[A-Za-z0-9_-]{60}\b`,
      String.raw`\bxkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}\b`, // Brevo
      String.raw`\brubygems_[a-f0-9]{48}\b`,
      String.raw`\bdapi[a-f0-9]{32}(?:-\d)?\b`, // Databricks
      String.raw`\b[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9=_-]{60,70}`, // Terraform Cloud
      String.raw`\bfigd_[A-Za-z0-9_-]{40}\b`, // Figma
      String.raw`\bCLOJARS_[a-z0-9]{60}\b`,
      String.raw`\bpul-[a-f0-9]{40}\b`, // Pulumi
      String.raw`\bnpm_[A-Za-z0-9]{36}\b`,
      String.raw`\bFLWSECK(?:_TEST)?-[a-h0-9]{32}-X\b`, // Flutterwave
      String.raw`\bsk_[a-z]{4}_[A-Za-z0-9]{24,99}\b`,
      String.raw`\bpat[A-Za-z0-9]{14}\.[a-f0-9]{64}\b`, // Airtable
      String.raw`\bkey-[a-f0-9]{32}\b`, // Mailgun
      String.raw`\b(?:r|s)k_(?:live|test)_[0-9A-Za-z]{10,}`,
      String.raw`\bshpss_[a-fA-F0-9]{32}\b`,
      String.raw`\bnfp_[A-Za-z0-9_]{36}\b`, // Netlify
      String.raw`\bSHA256~[A-Za-z0-9_-]{43}\b`, // OpenShift
      String.raw`\bvc[pkiar]_[A-Za-z0-9]{24,}`, // Vercel
      String.raw`\bhvs\.[A-Za-z0-9_-]{90,}|\bhvb\.[A-Za-z0-9_-]{138,}`, // Vault
      String.raw`\bscalingo_[A-Za-z0-9_-]{20,}`,
      String.raw`\bfo1_[A-Za-z0-9_-]{43}\b`, // Fly.io
      String.raw`\bFlyV1 fm\d_[A-Za-z0-9+/=,_-]{100,}`,
      String.raw`\bops_eyJ[A-Za-z0-9+/]{250,}={0,3}`, // 1Password service account
      String.raw`\bA3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}\b`,
      String.raw`\bEZAK[A-Za-z0-9]{54}\b|\bEZTK[A-Za-z0-9]{54}\b`, // EasyPost
      String.raw`\bdop_v1_[a-f0-9]{64}\b`,
      String.raw`\bprivatekey-[A-Za-z0-9]{20,}`,
      String.raw`\bsk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}`,
    ].join('|'),
  },
];
