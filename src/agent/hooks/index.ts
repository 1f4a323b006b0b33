import { bashHook } from './bash.js';
import type { HookOptions, Shell } from './common.js';
import { fishHook } from './fish.js';
import { zshHook } from './zsh.js';

export { SHELLS, WRAPPABLE, parseWrap, type HookOptions, type Shell } from './common.js';

const hooks: Record<Shell, (o: HookOptions) => string> = { bash: bashHook, zsh: zshHook, fish: fishHook };

/** The text of the hook file a shell sources at start-up (see each shell's file for what it records). */
export function hookScript(shell: Shell, o: HookOptions): string {
  return hooks[shell](o);
}
