#!/usr/bin/env bash
# Translations of ckanext-minato_plan: one catalog template and two catalogs.
#
#   scripts/i18n.sh extract   regenerate ckanext/minato_plan/i18n/ckanext-minato_plan.pot from the
#                             code (Python and templates), with the method map of setup.py's
#                             message_extractors ("ckan" is CKAN's Jinja extractor)
#   scripts/i18n.sh update    extract, then merge the template into i18n/{ja,en}/LC_MESSAGES/*.po
#                             (existing translations kept, new strings empty, no fuzzy guesses)
#   scripts/i18n.sh check     exit 1 if the committed .pot differs from a fresh extraction
#
# The output is stable: no source locations, messages sorted, a fixed POT-Creation-Date, so
# rerunning on unchanged code gives identical files. After `update`, fill in the empty msgstr of
# both .po files; tests/unit/test_translations.py fails until every string is translated.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$SCRIPT_DIR/.." && pwd -P)
cd "$ROOT"

VENV=${VENV:-$ROOT/.venv}
PYBABEL=$VENV/bin/pybabel
PYTHON=$VENV/bin/python
DOMAIN=ckanext-minato_plan
I18N=ckanext/minato_plan/i18n
POT=$I18N/$DOMAIN.pot
LANGS=(ja en)
# Fixed, so that the .pot (and the .po headers, which copy it) do not change on every run.
CREATION_DATE="2025-01-01 00:00+0000"
HEADER_COMMENT="# Translation template of ckanext-minato_plan (do not edit):
# generated from the code by scripts/i18n.sh extract."

die() { echo "i18n.sh: $*" >&2; exit 1; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
[[ -x $PYBABEL && -x $PYTHON ]] || die "no $PYBABEL (run scripts/install.sh first)"

# The method map of setup.py's message_extractors, as a pybabel mapping file; prints the input
# directory (the key of message_extractors) on stdout.
write_mapping() {
  "$PYTHON" - "$1" <<'PY'
import ast, pathlib, sys

tree = ast.parse(pathlib.Path("setup.py").read_text(encoding="utf-8"))
call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call)
            and getattr(n.func, "id", None) == "setup")
extractors = ast.literal_eval(next(k.value for k in call.keywords
                                   if k.arg == "message_extractors"))
if len(extractors) != 1:
    sys.exit("i18n.sh: expected one directory in setup.py's message_extractors")
[(directory, methods)] = extractors.items()
with open(sys.argv[1], "w", encoding="utf-8") as out:
    for pattern, method, options in methods:
        out.write(f"[{method}: {pattern}]\n")
        for key, value in (options or {}).items():
            out.write(f"{key} = {value}\n")
print(directory)
PY
}

# Extracts into the file $1.
extract_to() {
  local out=$1 mapping=$TMP/mapping.cfg dir version
  dir=$(write_mapping "$mapping")
  version=$(sed -n 's/^version *= *"\(.*\)"/\1/p' pyproject.toml | head -n1)
  "$PYBABEL" -q extract -F "$mapping" --no-location --sort-output \
    --project="$DOMAIN" --version="${version:-0}" --msgid-bugs-address="" \
    --header-comment="$HEADER_COMMENT" -o "$out" "$dir"
  # pybabel writes the current time; pin it (GNU sed, in place).
  sed -i "s/^\"POT-Creation-Date: .*\\\\n\"$/\"POT-Creation-Date: $CREATION_DATE\\\\n\"/" "$out"
}

cmd_extract() {
  # Into a temporary file first: a failed extraction leaves the committed .pot as it was.
  extract_to "$TMP/new.pot"
  cp "$TMP/new.pot" "$POT"
  echo "i18n.sh: wrote $POT ($(grep -c '^msgid "' "$POT") entries incl. header)"
}

cmd_update() {
  cmd_extract
  local lang
  for lang in "${LANGS[@]}"; do
    [[ -f $I18N/$lang/LC_MESSAGES/$DOMAIN.po ]] || die "missing $I18N/$lang/LC_MESSAGES/$DOMAIN.po"
    "$PYBABEL" -q update --no-fuzzy-matching -D "$DOMAIN" -l "$lang" -i "$POT" -d "$I18N"
  done
  local empty
  empty=$("$PYTHON" - "$I18N" "$DOMAIN" "${LANGS[@]}" <<'PY'
import sys
from babel.messages.pofile import read_po
i18n, domain, *langs = sys.argv[1:]
for lang in langs:
    with open(f"{i18n}/{lang}/LC_MESSAGES/{domain}.po", "rb") as f:
        catalog = read_po(f)
    for m in catalog:
        if m.id and not (all(m.string) if isinstance(m.string, tuple) else m.string):
            context = f" (context {m.context!r})" if m.context else ""
            print(f"  {lang}: {(m.id if isinstance(m.id, str) else m.id[0])!r}{context}")
    for m in catalog.obsolete.values():
        print(f"  {lang}: obsolete {m.id!r}")
PY
)
  if [[ -n $empty ]]; then
    echo "i18n.sh: to translate (fill in the msgstr, delete obsolete #~ entries):"
    echo "$empty"
  else
    echo "i18n.sh: every string is translated in ${LANGS[*]}"
  fi
}

cmd_check() {
  local fresh=$TMP/fresh.pot
  extract_to "$fresh"
  if ! diff -u --label "$POT (committed)" --label "$POT (fresh extraction)" "$POT" "$fresh"; then
    die "$POT is out of date: run scripts/i18n.sh update and translate the new strings"
  fi
  echo "i18n.sh: $POT is up to date"
}

case ${1:-} in
  extract) cmd_extract ;;
  update) cmd_update ;;
  check) cmd_check ;;
  *) echo "usage: scripts/i18n.sh extract|update|check" >&2; exit 2 ;;
esac
