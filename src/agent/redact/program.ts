/** Wrappers that run the next word as the program; their own options are skipped with them. */
const WRAPPERS: Record<string, RegExp> = {
  // Options that take a value, so the value is not taken for the program.
  sudo: /^-[ugpChDRrT]$|^--(?:user|group|prompt|close-from|chdir|role|type|host|other-user)$/,
  doas: /^-[uC]$/,
  time: /^-[fo]$/,
  env: /^-[uCS]$|^--(?:unset|chdir|split-string)$/,
  nice: /^-n$|^--adjustment$/,
  nohup: /^$/,
  command: /^$/,
  exec: /^-a$/,
  builtin: /^$/,
  ionice: /^-[cnp]$/,
  timeout: /^-[sk]$|^--(?:signal|kill-after)$/,
  caffeinate: /^-[tw]$/,
  stdbuf: /^$/,
};

const WORD = /\s*((?:'[^']*'|"(?:[^"\\]|\\.)*"|\\.|[^\s'"\\;&|<>()])+)/y;
const ASSIGNMENT = /^[A-Za-z_]\w*=/;

/**
 * The program a command line runs, with nothing else: environment assignments, wrappers (sudo,
 * time, env, nice...) and their options skipped, the directory dropped
 * (`FOO=1 sudo -u me /usr/bin/npm test` -> `npm`). The first command of a pipeline or list.
 */
export function programName(command: string): string {
  WORD.lastIndex = 0;
  let wrapper: RegExp | null = null;
  let takesValue = false;
  for (let m = WORD.exec(command); m; m = WORD.exec(command)) {
    const word = m[1]!.replace(/'([^']*)'|"((?:[^"\\]|\\.)*)"|\\(.)/g, '$1$2$3');
    if (takesValue) {
      takesValue = false;
      continue;
    }
    if (ASSIGNMENT.test(word)) continue;
    if (wrapper && word.startsWith('-')) {
      takesValue = wrapper.test(word);
      continue;
    }
    if (wrapper && /^\d+[smhd]?$/.test(word) && wrapper === WRAPPERS.timeout) continue;
    const name = word.replace(/^.*\//, '');
    const w = WRAPPERS[name];
    if (w) {
      wrapper = w;
      continue;
    }
    return name || word;
  }
  return '';
}
