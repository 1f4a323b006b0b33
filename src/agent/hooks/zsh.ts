import { GENERATED, shQuote, type HookOptions } from './common.js';

/**
 * The zsh hook. Per interactive command, forking nothing:
 *
 * - `preexec` (run once per command line accepted, never for an empty line, a Ctrl-C at the
 *   prompt, a widget or a prompt redraw) takes the start time from zsh/datetime's `epochtime`
 *   (seconds and nanoseconds, read once; locale-proof, unlike a formatted float), `$PWD`, the
 *   command line as typed (its first argument), and exports PITWALL_SEQ for `pitwall run`.
 * - `precmd` (first in precmd_functions, so `$?` is the command's) appends one `p1` line
 *   (src/agent/spool-line.ts) with `print` to the session's spool file, opened once at start-up
 *   with `exec {fd}>>`.
 * - A line starting with a space is not recorded when HIST_IGNORE_SPACE is set (the user keeps
 *   it out of history; the same rule as the bash and fish hooks).
 * - The user is `$USER` (else `$USERNAME`), the host `$HOST`.
 * - If the spool cannot be opened the hook does nothing for that shell; a failing write (a full
 *   disk) sends its error to /dev/null, opened once.
 */
export function zshHook(o: HookOptions): string {
  const dir = o.spoolDir === null ? '"${XDG_STATE_HOME:-$HOME/.local/state}/pitwall"' : shQuote(o.spoolDir);
  const aliases = o.wrap.map(
    (p) => `alias ${p}=${shQuote(`${o.pitwall.map(shQuote).join(' ')} run -- ${p}`)}`,
  );
  return `# pitwall shell hook (zsh). ${GENERATED}
# Appends one line per interactive command to the spool that \`pitwall agent\` ships; forks nothing.
[[ -o interactive ]] || return 0
[[ -z \${__pitwall_fd-} ]] || return 0
zmodload -F zsh/datetime p:epochtime 2>/dev/null || return 0

typeset -g __pitwall_dir=${dir}
[[ -d $__pitwall_dir/commands ]] || command mkdir -p -- "$__pitwall_dir/commands" 2>/dev/null
typeset -g __pitwall_fd __pitwall_null
() {
  local -a t; t=($epochtime)
  typeset -g PITWALL_SESSION=$$-$(( t[1] * 1000000 + t[2] / 1000 ))
}
{ exec {__pitwall_fd}>>"$__pitwall_dir/commands/$PITWALL_SESSION.spool"; } 2>/dev/null
if [[ -z $__pitwall_fd ]]; then
  unset PITWALL_SESSION __pitwall_dir __pitwall_fd __pitwall_null
  return 0
fi
exec {__pitwall_null}>/dev/null
export PITWALL_SESSION PITWALL_SEQ=0
typeset -gi __pitwall_s=0 __pitwall_n=0
typeset -g __pitwall_cmd= __pitwall_cwd= __pitwall_special=$'*[\\\\\\\\\\t\\n\\r]*'

__pitwall_preexec() {
  local -a t; t=($epochtime)
  __pitwall_s=$(( t[1] * 1000000 + t[2] / 1000 ))
  __pitwall_cmd=$1 __pitwall_cwd=$PWD
  PITWALL_SEQ=$(( ++__pitwall_n ))
}

__pitwall_precmd() {
  local s=$? c=$__pitwall_cmd cwd=$__pitwall_cwd u=\${USER:-$USERNAME}
  local -a t; t=($epochtime)
  (( __pitwall_s )) || return $s
  local -i b=__pitwall_s e=$(( t[1] * 1000000 + t[2] / 1000 - __pitwall_s ))
  __pitwall_s=0
  [[ $c == ' '* && -o histignorespace ]] && return $s
  [[ -n \${c//[[:space:]]/} ]] || return $s
  if [[ $c == \${~__pitwall_special} ]]; then
    c=\${c//\\\\/\\\\\\\\}; c=\${c//$'\\t'/\\\\t}; c=\${c//$'\\n'/\\\\n}; c=\${c//$'\\r'/\\\\r}
  fi
  if [[ $cwd == \${~__pitwall_special} ]]; then
    cwd=\${cwd//\\\\/\\\\\\\\}; cwd=\${cwd//$'\\t'/\\\\t}; cwd=\${cwd//$'\\n'/\\\\n}; cwd=\${cwd//$'\\r'/\\\\r}
  fi
  builtin print -rn -- "p1"$'\\t'"zsh"$'\\t'"$HOST"$'\\t'"$PITWALL_SESSION"$'\\t'"$__pitwall_n"$'\\t'"$b"$'\\t'"$e"$'\\t'"$s"$'\\t'"$u"$'\\t'"$cwd"$'\\t'"$c"$'\\n' \\
    2>&$__pitwall_null >&$__pitwall_fd
  return $s
}

typeset -ga preexec_functions precmd_functions
preexec_functions+=(__pitwall_preexec)
precmd_functions=(__pitwall_precmd $precmd_functions)
${aliases.join('\n')}
`;
}
