import { GENERATED, fishQuote, type HookOptions } from './common.js';

/**
 * The fish hook (fish 3.1+; Debian 12 has 3.6). Per interactive command, forking nothing:
 *
 * - `fish_preexec` (emitted once per command line run; not for a key binding or a repaint) takes
 *   the start time, `$PWD`, the command line (its argument) and exports PITWALL_SEQ.
 * - `fish_postexec` takes `$status` and `$CMD_DURATION` (fish's own measure, in whole
 *   milliseconds: the duration's resolution) and appends one `p1` line (src/agent/spool-line.ts)
 *   with the `printf` builtin `>>` the session's spool file: fish cannot keep a descriptor open,
 *   so each command costs an open(2) and a close, still no fork. Escaping uses `string`
 *   builtins; fish runs builtins and functions in command substitutions and pipes in-process.
 * - The start time: fish 3.6 has no sub-second clock variable (EPOCHREALTIME) and no time
 *   builtin. On Linux the hook reads /proc/uptime with the `read` builtin (10 ms ticks) plus an
 *   offset to the epoch taken once at start-up from one `date +%s%N` (the only process the hook
 *   starts, once per shell), so start times are good to about 10 ms and never drift from the
 *   durations. Elsewhere (macOS) it writes a side file and reads its mtime with `path mtime`:
 *   start times to the second.
 * - Not recorded: empty lines, lines starting with a space (fish keeps them out of history),
 *   `exit`, and everything in private mode (`fish --private`).
 * - The user is `$USER`, which fish itself sets at start-up from the account database (so it is
 *   the real user name even if the environment said otherwise), the host `$hostname`.
 * - If the spool directory cannot be made or written the hook does nothing for that shell; a
 *   spool file that stops being writable is skipped (checked with `test -w` before each append:
 *   fish warns on its own stderr when `>>` cannot open, whatever `2>` says). Known limit: a write
 *   that fails on a full disk makes fish print one `write: No space left on device` line, which
 *   no redirection silences; the hook then stops writing for that shell, so it is shown once.
 */
export function fishHook(o: HookOptions): string {
  const dir =
    o.spoolDir === null
      ? `if set -q XDG_STATE_HOME[1]; and test -n "$XDG_STATE_HOME"
    set -g __pitwall_dir $XDG_STATE_HOME/pitwall
else
    set -g __pitwall_dir $HOME/.local/state/pitwall
end`
      : `set -g __pitwall_dir ${fishQuote(o.spoolDir)}`;
  const wrappers = o.wrap.map(
    (p) => `function ${p} --wraps ${p}\n    ${o.pitwall.map(fishQuote).join(' ')} run -- ${p} $argv\nend`,
  );
  return `# pitwall shell hook (fish). ${GENERATED}
# Appends one line per interactive command to the spool that \`pitwall agent\` ships; forks nothing.
status is-interactive; or return 0
set -q __pitwall_file; and return 0
contains path (builtin --names); or return 0

${dir}
test -d $__pitwall_dir/commands; or command mkdir -p -- $__pitwall_dir/commands 2>/dev/null
# fish warns at the prompt when a redirection cannot open its file, whatever 2> says: so the
# hook checks first, here and before each append.
if not test -d $__pitwall_dir/commands -a -w $__pitwall_dir/commands
    set -e __pitwall_dir
    return 0
end

set -g __pitwall_off
if test -r /proc/uptime
    read -l up0 idle </proc/uptime
    set -l now (command date +%s%N 2>/dev/null)
    read -l up1 idle </proc/uptime
    if string match -qr '^[0-9]{19}$' -- "$now"
        set __pitwall_off (math --scale=0 "floor($now / 1000) - ($up0 + $up1) * 500000")
    end
end

function __pitwall_now
    if set -q __pitwall_off[1]
        read -l up idle </proc/uptime
        math --scale=0 "$__pitwall_off + $up * 1000000"
    else
        echo >$__pitwall_tick
        set -l m (path mtime -- $__pitwall_tick)
        math --scale=0 "$m * 1000000"
    end
end

set -g __pitwall_tick $__pitwall_dir/commands/.fish-$fish_pid.tick
begin
    set -gx PITWALL_SESSION $fish_pid-(__pitwall_now)
    set -g __pitwall_file $__pitwall_dir/commands/$PITWALL_SESSION.spool
    printf '' >>$__pitwall_file
end 2>/dev/null
if not test -w "$__pitwall_file"; or not string match -qr '^[0-9]+-[0-9]+$' -- "$PITWALL_SESSION"
    set -e PITWALL_SESSION __pitwall_file __pitwall_dir __pitwall_off __pitwall_tick
    functions -e __pitwall_now
    return 0
end
set -gx PITWALL_SEQ 0
set -g __pitwall_n 0
set -g __pitwall_s 0
set -g __pitwall_cmd
set -g __pitwall_cwd

function __pitwall_escape
    string join '\\n' -- (string split \\n -- $argv[1] | string replace -a '\\\\' '\\\\\\\\' | string replace -a \\t '\\\\t' | string replace -a \\r '\\\\r')
end

function __pitwall_preexec --on-event fish_preexec
    set -g __pitwall_s 0
    set -q fish_private_mode; and return
    string match -qr '^\\s*$' -- "$argv[1]"; and return
    string match -q ' *' -- "$argv[1]"; and return
    # fish emits fish_postexec for \`exit\` as it leaves, with the previous status: not a command to time.
    string match -qr '^exit(\\s|$)' -- "$argv[1]"; and return
    set -g __pitwall_cmd "$argv[1]"
    set -g __pitwall_cwd "$PWD"
    set -g __pitwall_n (math $__pitwall_n + 1)
    set -gx PITWALL_SEQ $__pitwall_n
    set -g __pitwall_s (__pitwall_now 2>/dev/null)
end

function __pitwall_postexec --on-event fish_postexec
    set -l s $status
    set -l d $CMD_DURATION
    test "$__pitwall_s" != 0 -a -w "$__pitwall_file"; or return
    set -l b $__pitwall_s
    set -g __pitwall_s 0
    begin
        printf 'p1\\tfish\\t%s\\t%s\\t%s\\t%s\\t%s\\t%s\\t%s\\t%s\\t%s\\n' "$hostname" "$PITWALL_SESSION" "$__pitwall_n" "$b" \\
            (math --scale=0 "$d * 1000") "$s" "$USER" (__pitwall_escape "$__pitwall_cwd") (__pitwall_escape "$__pitwall_cmd") >>$__pitwall_file
    end 2>/dev/null
    # A write that fails (a full disk) makes fish print \`write: ...\` on its own stderr, whatever
    # 2> says: the hook stops for this shell after the first, so that line is shown once at most.
    or set -g __pitwall_file ''
end
${wrappers.join('\n')}
`;
}
