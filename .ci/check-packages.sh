#!/usr/bin/env bash
# Packs every project under src/ and checks each package the way a consumer sees it: the README, the MIT license
# expression, XML docs beside the assembly, repository/description/tags metadata, and a .snupkg with the PDB.
# Usage: bash .ci/check-packages.sh [output-dir]. Exits non-zero and names the package and what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
dotnet pack Orchestrator.sln -c Release -o "$out" --artifacts-path "$out/artifacts" >"$out/pack.log" 2>&1 || { tail -n 30 "$out/pack.log"; exit 1; }

status=0
fail() { echo "FAIL $1: $2"; status=1; failed=1; }
for project in src/*/*.csproj; do
  id=$(basename "$project" .csproj)
  failed=0
  nupkg=$(ls "$out/$id".[0-9]*.nupkg 2>/dev/null | head -n 1 || true)
  [ -n "$nupkg" ] || { fail "$id" "no .nupkg"; continue; }
  files=$(unzip -Z1 "$nupkg")
  nuspec=$(unzip -p "$nupkg" "$id.nuspec")
  grep -qx "README.md" <<<"$files" || fail "$id" "README.md not packed"
  grep -qx "lib/net10.0/$id.dll" <<<"$files" || fail "$id" "lib/net10.0/$id.dll missing"
  grep -qx "lib/net10.0/$id.xml" <<<"$files" || fail "$id" "XML docs missing"
  grep -q '<license type="expression">MIT</license>' <<<"$nuspec" || fail "$id" "license expression missing"
  grep -q '<readme>README.md</readme>' <<<"$nuspec" || fail "$id" "readme not declared"
  grep -q '<repository type="git" url="https://' <<<"$nuspec" || fail "$id" "repository missing"
  grep -q '<description>..*</description>' <<<"$nuspec" || fail "$id" "description missing"
  grep -q '<tags>..*</tags>' <<<"$nuspec" || fail "$id" "tags missing"
  snupkg="${nupkg%.nupkg}.snupkg"
  [ -f "$snupkg" ] && unzip -Z1 "$snupkg" | grep -qx "lib/net10.0/$id.pdb" || fail "$id" "symbol package with $id.pdb missing"
  [ "$failed" -ne 0 ] || echo "ok   $id ($(basename "$nupkg"))"
done
exit "$status"
