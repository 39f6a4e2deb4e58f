# bash completion for cancelsim (installed as
# share/bash-completion/completions/cancelsim): subcommands, each one's
# options, the values of --backend/--format/--render/--color, and files.
_cancelsim()
{
    local cur prev words cword
    _init_completion 2>/dev/null || {
        cur="${COMP_WORDS[COMP_CWORD]}"
        prev="${COMP_WORDS[COMP_CWORD-1]}"
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    }
    local cmds="run verify explore inject check dot timeline explain trace compare translate help version"
    if [ "$cword" -eq 1 ]; then
        COMPREPLY=($(compgen -W "$cmds --help --version" -- "$cur"))
        return
    fi
    local limits="--time-limit --step-limit --task-limit --timer-limit --trace-limit --memory-limit --depth-limit"
    local opts
    case "${words[1]}" in
    run) opts="--backend --seed --format --trace --schedule --inject --help $limits" ;;
    verify) opts="--junit --html --tap --jobs --strict --shard --color --update --update=any --schedules --max-schedules --trace --help" ;;
    explore) opts="--strategy --depth --max-schedules --budget --seed --no-reduce --format --help" ;;
    inject) opts="--failures --timeouts --delays --interrupts --delay --max-faults --backend --explore --max-schedules --max-plans --max-k --jobs --shard --format --plan --help" ;;
    check) opts="--help" ;;
    dot) opts="--backend --seed --inject -o --render --focus --help" ;;
    timeline) opts="--backend --seed --inject -o --help" ;;
    explain) opts="--backend --seed --inject --task --format --help" ;;
    trace) opts="--format --findings --help" ;;
    compare) opts="--backend --help" ;;
    translate) opts="--function -o --output --help" ;;
    help) COMPREPLY=($(compgen -W "$cmds" -- "$cur")); return ;;
    version) return ;;
    *) return ;;
    esac
    case "$prev" in
    --backend)
        case "${words[1]}" in
        dot|timeline|explain|compare) COMPREPLY=($(compgen -W "asyncio trio" -- "$cur")) ;;
        *) COMPREPLY=($(compgen -W "asyncio trio both" -- "$cur")) ;;
        esac
        return ;;
    --format)
        case "${words[1]}" in
        run) COMPREPLY=($(compgen -W "text json expect" -- "$cur")) ;;
        *) COMPREPLY=($(compgen -W "text json" -- "$cur")) ;;
        esac
        return ;;
    --render) COMPREPLY=($(compgen -W "svg png pdf" -- "$cur")); return ;;
    --color) COMPREPLY=($(compgen -W "auto always never" -- "$cur")); return ;;
    --strategy) COMPREPLY=($(compgen -W "mixed dfs random pct" -- "$cur")); return ;;
    --schedules) COMPREPLY=($(compgen -W "all canonical" -- "$cur")); return ;;
    --max-faults) COMPREPLY=($(compgen -W "1 2" -- "$cur")); return ;;
    --junit|--html|--trace|-o) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --seed|--jobs|--shard|--schedule|--inject|--plan|--task|--focus|--delay|--max-schedules|--max-plans|--max-k|--depth|--budget|--function|--*-limit) return ;;
    esac
    if [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    else
        # scenario files (and traces, where a command reads one) and folders
        case "${words[1]}" in
        dot|timeline|explain|compare) COMPREPLY=($(compgen -f -X '!*.json' -- "$cur") $(compgen -f -X '!*.jsonl' -- "$cur")
                                      $(compgen -f -X '!*.py' -- "$cur") $(compgen -d -- "$cur")) ;;
        trace) COMPREPLY=($(compgen -f -X '!*.jsonl' -- "$cur") $(compgen -d -- "$cur")) ;;
        translate) COMPREPLY=($(compgen -f -X '!*.py' -- "$cur") $(compgen -d -- "$cur")) ;;
        *) COMPREPLY=($(compgen -f -X '!*.json' -- "$cur") $(compgen -d -- "$cur")) ;;
        esac
    fi
}
complete -F _cancelsim -o filenames cancelsim
