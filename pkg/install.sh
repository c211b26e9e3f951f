#!/bin/sh
# install.sh - make install and make uninstall.
#
#   sh pkg/install.sh install ROOT MODE:FROM:TO...
#   sh pkg/install.sh uninstall ROOT
#
# install copies each FROM to ROOT/TO with permissions MODE (644, 755), or
# with MODE "link" makes ROOT/TO a symbolic link to FROM.  It records every
# file it wrote and every directory it had to create (ROOT and its missing
# parents included, as ".", "..", ...) in ROOT/lib/corral/install-manifest,
# with paths relative to ROOT, so that a moved ROOT can still be
# uninstalled.  A second install over the first keeps the first's
# entries in the list.
#
# uninstall removes the files of the manifest, the manifest, then the
# directories it lists, deepest first, each only if it is empty: a
# directory that held something before install is never in the list, and
# one that got other files since is left with them.
set -eu

manifest_rel=lib/corral/install-manifest

die() {
    echo "install.sh: $*" >&2
    exit 1
}

[ $# -ge 2 ] || die "usage: install.sh install ROOT MODE:FROM:TO... | uninstall ROOT"
cmd=$1 root=$2
shift 2
[ -n "$root" ] || die "empty install root (PREFIX)"
case $root in /*) ;; *) die "the install root must be an absolute path: '$root'" ;; esac
manifest=$root/$manifest_rel

# The directory of ROOT that "..", "../..", ... stand for.
up() {
    d=$root
    rest=$1
    while [ "$rest" != . ]; do
        d=$(dirname "$d")
        rest=${rest#..}
        rest=${rest#/}
        [ -n "$rest" ] || rest=.
    done
    echo "$d"
}

case $cmd in
install)
    # Every entry checked before anything is written.
    for spec in "$@"; do
        mode=${spec%%:*}
        rest=${spec#*:}
        from=${rest%%:*}
        to=${rest#*:}
        if [ -z "$from" ] || [ -z "$to" ] || [ "$to" = "$rest" ]; then
            die "malformed MODE:FROM:TO '$spec'"
        fi
        case $mode in
        link) ;;
        644 | 755) [ -f "$from" ] || die "$from is missing: run make first" ;;
        *) die "unknown mode '$mode' in '$spec'" ;;
        esac
    done
    tmp=$(mktemp)
    trap 'rm -f "$tmp"' EXIT
    if [ -f "$manifest" ]; then cat "$manifest" >>"$tmp"; fi
    # ROOT's missing parents, outermost first, then ROOT.
    missing="" d=$root rel=.
    while [ ! -d "$d" ]; do
        missing="$rel $missing"
        d=$(dirname "$d")
        if [ "$rel" = . ]; then rel=..; else rel=../$rel; fi
    done
    for rel in $missing; do
        mkdir "$(up "$rel")"
        echo "d $rel" >>"$tmp"
    done
    # mkdirs REL: make ROOT/REL's missing directories, one level at a time.
    mkdirs() {
        path=""
        old_ifs=$IFS
        IFS=/
        for part in $1; do
            path=${path:+$path/}$part
            if [ ! -d "$root/$path" ]; then
                mkdir "$root/$path"
                echo "d $path" >>"$tmp"
            fi
        done
        IFS=$old_ifs
    }
    mkdirs "$(dirname "$manifest_rel")"
    for spec in "$@"; do
        mode=${spec%%:*}
        rest=${spec#*:}
        from=${rest%%:*}
        to=${rest#*:}
        mkdirs "$(dirname "$to")"
        if [ "$mode" = link ]; then
            ln -sfn "$from" "$root/$to"
        else
            rm -f "$root/$to"
            cp "$from" "$root/$to"
            chmod "$mode" "$root/$to"
        fi
        echo "f $to" >>"$tmp"
        echo "installed $root/$to"
    done
    sort -u "$tmp" >"$manifest"
    ;;
uninstall)
    [ $# -eq 0 ] || die "uninstall takes no files"
    [ -f "$manifest" ] || die "nothing to uninstall: $manifest does not exist"
    sed -n 's/^f //p' "$manifest" | while IFS= read -r f; do
        if [ -e "$root/$f" ] || [ -L "$root/$f" ]; then
            rm -f "$root/$f"
            echo "removed $root/$f"
        fi
    done
    dirs=$(sed -n 's/^d //p' "$manifest")
    rm -f "$manifest"
    # Inside ROOT deepest first (a directory sorts before its contents),
    # then ROOT and its parents, nearest first.
    { echo "$dirs" | grep -v '^\.' | sort -r; echo "$dirs" | grep '^\.' | sort; } |
        while IFS= read -r d; do
            [ -n "$d" ] || continue
            case $d in .*) path=$(up "$d") ;; *) path=$root/$d ;; esac
            if rmdir "$path" 2>/dev/null; then echo "removed $path/"; fi
        done
    ;;
*) die "unknown command '$cmd' (install or uninstall)" ;;
esac
