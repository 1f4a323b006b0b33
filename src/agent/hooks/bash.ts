import { GENERATED, shQuote, type HookOptions } from './common.js';

/**
 * The bash hook (bash 5.0+, for EPOCHREALTIME). What it does per interactive command, without
 * forking a process and without a DEBUG trap (which would run before every simple command of
 * every function the user calls):
 *
 * - `PS0` (expanded once after a command line is read, before it runs; never for an empty line,
 *   a Ctrl-C at the prompt, a key binding or a prompt redraw) takes the start time and the next
 *   seq in an arithmetic subscript that expands to nothing: `PITWALL_SEQ` (exported) is set
 *   before the command runs, so `pitwall run -- CMD` can tie its network line to it.
 * - A function first in `PROMPT_COMMAND` (run before each prompt) takes `$?` and the end time,
 *   and when PS0 armed it, appends one `p1` line (src/agent/spool-line.ts) with `printf` to the
 *   session's spool file, opened once at start-up with `exec {fd}>>`. It returns the status it
 *   found, so prompts that show `$?` still see the command's.
 * - The command line comes from `history 1`, appended to an unlinked side file and read back
 *   with `read` from a second descriptor (which reads exactly what was appended since):
 *   capturing it with `$(...)` would fork. The side file grows by one history line per
 *   command while the shell lives (about 1 MB per 20,000 commands) and is gone when it exits.
 *   So a command is recorded only when history is on. One the shell kept out of history is not
 *   recorded: a leading space under `ignorespace`/`ignoreboth` (as bash-preexec does, the hook
 *   takes `ignorespace` out of HISTCONTROL and deletes such an entry itself, so history is as
 *   the user asked), or a HISTIGNORE match; a repeat under `ignoredups` is recorded (the history
 *   number did not move, but the last entry is the command). Known limit: with both
 *   `ignoredups` and HISTIGNORE set, a HISTIGNORE'd command is recorded as a repeat of the
 *   previous one.
 * - `cwd` is `$PWD` at the prompt before the command (where it started), the user `$USER`
 *   (else the prompt's `\u`), the host `$HOSTNAME`, the duration the EPOCHREALTIME difference
 *   (a comma as decimal mark, in some locales, is taken out like the dot).
 * - Nothing can reach the prompt: if the spool directory cannot be made or the file opened, the
 *   hook does nothing for that shell (no file appears, which the agent reports); a write that
 *   fails later (a full disk) sends its error to /dev/null, opened once.
 */
export function bashHook(o: HookOptions): string {
  const dir = o.spoolDir === null ? '"${XDG_STATE_HOME:-$HOME/.local/state}/pitwall"' : shQuote(o.spoolDir);
  const aliases = o.wrap.map(
    (p) => `alias ${p}=${shQuote(`${o.pitwall.map(shQuote).join(' ')} run -- ${p}`)}`,
  );
  return `# pitwall shell hook (bash). ${GENERATED}
# Appends one line per interactive command to the spool that \`pitwall agent\` ships; forks nothing.
[[ $- == *i* ]] || return 0
(( BASH_VERSINFO[0] >= 5 )) || return 0
[[ -z \${__pitwall_fd-} ]] || return 0

__pitwall_dir=${dir}
[[ -d $__pitwall_dir/commands ]] || command mkdir -p -- "$__pitwall_dir/commands" 2>/dev/null
PITWALL_SESSION=$$-\${EPOCHREALTIME/[.,]/}
{ exec {__pitwall_fd}>>"$__pitwall_dir/commands/$PITWALL_SESSION.spool"; } 2>/dev/null
if [[ -z \${__pitwall_fd-} ]]; then
  unset PITWALL_SESSION __pitwall_dir
  return 0
fi
exec {__pitwall_null}>/dev/null
export PITWALL_SESSION PITWALL_SEQ=0
# The side file history is read through: appended by one descriptor, read to its end by
# another, so no write truncates (a truncate-and-rewrite costs ext4 a flush, milliseconds);
# unlinked at once (the one process started, once per shell) so nothing is left behind.
__pitwall_last=$__pitwall_dir/commands/.$PITWALL_SESSION.last
{ exec {__pitwall_hw}>>"$__pitwall_last" {__pitwall_hr}<"$__pitwall_last"; } 2>/dev/null
command rm -f -- "$__pitwall_last" 2>/dev/null
__pitwall_s=0 __pitwall_n=0 __pitwall_ignsp=0 __pitwall_cwd= __pitwall_cwde= __pitwall_h=$HISTCMD __pitwall_u='\\u'
__pitwall_ps0='\${__pitwall_e[__pitwall_s=\${EPOCHREALTIME/[.,]/},PITWALL_SEQ=++__pitwall_n]-}'
__pitwall_special=$'[\\\\\\\\\\t\\n\\r]'

# ignorespace is applied by the hook (after it has read the entry), as bash-preexec does.
__pitwall_histcontrol() {
  local h=:\${HISTCONTROL-}:
  case $h in *:ignorespace:* | *:ignoreboth:*) ;; *) return ;; esac
  __pitwall_ignsp=1
  h=\${h//:ignorespace:/:}; h=\${h//:ignorespace:/:}; h=\${h//:ignoreboth:/:ignoredups:}
  h=\${h#:}; HISTCONTROL=\${h%:}
}

# \\ TAB LF CR escaped as the spool line needs (src/agent/spool-line.ts), into __pitwall_x.
__pitwall_escape() {
  local x=$1 b='\\' t=$'\\t' n=$'\\n' r=$'\\r'
  x=\${x//"$b"/"$b$b"}; x=\${x//"$t"/"$b"t}; x=\${x//"$n"/"$b"n}; __pitwall_x=\${x//"$r"/"$b"r}
}

# One function, early exits, the escaping only for the rare line that needs it: bash spends
# tens of microseconds per function call and per pattern substitution.
__pitwall_precmd() {
  local s=$? e=\${EPOCHREALTIME/[.,]/} c n
  [[ \${HISTCONTROL-} != *ignore[sb]* ]] || __pitwall_histcontrol
  if (( __pitwall_s )) && [[ -o history && -n \${__pitwall_hr-} ]] &&
    { (( HISTCMD != __pitwall_h )) || [[ $HISTCONTROL == *dups* ]]; } &&
    HISTTIMEFORMAT= builtin history 1 2>&$__pitwall_null >&$__pitwall_hw; then
    if (( __pitwall_ignsp )); then
      IFS= builtin read -r -d '' c 2>&$__pitwall_null <&$__pitwall_hr
      c=\${c#"\${c%%[! ]*}"}; c=\${c#"\${c%%[!0-9]*}"}; c=\${c:2}
      if [[ $c == ' '* ]]; then
        (( HISTCMD == __pitwall_h )) || builtin history -d -1 2>&$__pitwall_null
        c=
      fi
    else
      IFS=' ' builtin read -r -d '' n c 2>&$__pitwall_null <&$__pitwall_hr
    fi
    c=\${c%$'\\n'}
    if [[ -n $c ]]; then
      [[ $c != *$__pitwall_special* ]] || { __pitwall_escape "$c"; c=$__pitwall_x; }
      builtin printf 'p1\\tbash\\t%s\\t%s\\t%s\\t%s\\t%s\\t%s\\t%s\\t%s\\t%s\\n' \\
        "$HOSTNAME" "$PITWALL_SESSION" "$__pitwall_n" "$__pitwall_s" "$((e - __pitwall_s))" "$s" \\
        "\${USER:-\${__pitwall_u@P}}" "$__pitwall_cwde" "$c" 2>&$__pitwall_null >&$__pitwall_fd
    fi
  fi
  __pitwall_s=0 __pitwall_h=$HISTCMD
  if [[ $PWD != "$__pitwall_cwd" ]]; then
    __pitwall_cwd=$PWD __pitwall_cwde=$PWD
    [[ $PWD != *$__pitwall_special* ]] || { __pitwall_escape "$PWD"; __pitwall_cwde=$__pitwall_x; }
  fi
  # Someone may set PS0 after the hook: ours goes back in front (compared whole first: cheap).
  if [[ \${PS0-} != "$__pitwall_ps0_seen" ]]; then
    [[ \${PS0-} == *"$__pitwall_ps0"* ]] || PS0=$__pitwall_ps0\${PS0-}
    __pitwall_ps0_seen=$PS0
  fi
  return "$s"
}

__pitwall_cwd=$PWD
__pitwall_escape "$PWD"
__pitwall_cwde=$__pitwall_x
__pitwall_histcontrol
PS0=$__pitwall_ps0\${PS0-}
__pitwall_ps0_seen=$PS0
PROMPT_COMMAND=__pitwall_precmd\${PROMPT_COMMAND:+$'\\n'$PROMPT_COMMAND}
${aliases.join('\n')}
`;
}
