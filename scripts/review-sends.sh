#!/usr/bin/env bash
# Test sends for reviewers (the pull-request workflow, .github/workflows/journeys.yml): every
# template whose file changed since BASE is sent to the review inbox with `settle render
# --send-to`, rendered for the example record, as a debtor would get it; its links are test links
# (the server records nothing for them) and an email's subject starts with [TEST].
#
# Environment:
#   BASE          the git revision to compare the journeys with (e.g. origin/main); required
#   REVIEW_EMAIL  where email templates go (none: email templates are skipped)
#   REVIEW_PHONE  where SMS templates go, in E.164 form (none: SMS templates are skipped)
#   RECORD        the enrollment record to render (default examples/records/mary-smith.json)
#   DIR           the journeys directory (default journeys)
#   SETTLE        how to run settle (default: npx settle)
#   and what `settle render --send-to` reads: SMTP_URL and SMTP_FROM; TWILIO_ACCOUNT_SID,
#   TWILIO_AUTH_TOKEN and TWILIO_FROM; SETTLE_SECRET and SETTLE_PUBLIC_URL (the server the links
#   open on). Without SETTLE_SECRET the links are signed with a throwaway secret: they arrive, but
#   do not open.
# A channel whose settings are missing (a pull request from a fork gets no secrets) is skipped with
# a warning; any other failure fails the script, after trying every template.
set -uo pipefail

base="${BASE:?BASE is not set: the git revision to compare with, e.g. origin/main}"
dir="${DIR:-journeys}"
record="${RECORD:-examples/records/mary-smith.json}"
read -r -a settle <<<"${SETTLE:-npx settle}"
summary="${GITHUB_STEP_SUMMARY:-/dev/null}"

if [ -z "${SETTLE_SECRET:-}" ]; then
  SETTLE_SECRET="$(node -e 'process.stdout.write(require("node:crypto").randomBytes(32).toString("hex"))')"
  export SETTLE_SECRET
  echo "::notice title=review sends::SETTLE_SECRET is not set: the test links are signed with a throwaway secret and will not open"
fi

status=0
sent=0
while IFS= read -r -d '' file; do
  case "$file" in *.yaml | *.yml) ;; *) continue ;; esac
  grep -Eq '^kind:[[:space:]]*Template[[:space:]]*$' "$file" || continue
  channel="$("${settle[@]}" render "$file" --data "$record" --format json |
    node -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).channel))')"
  if [ -z "$channel" ]; then
    echo "::error file=$file::settle render could not render $file for $record"
    status=1
    continue
  fi
  if [ "$channel" = email ]; then to="${REVIEW_EMAIL:-}" var=SETTLE_REVIEW_EMAIL; else to="${REVIEW_PHONE:-}" var=SETTLE_REVIEW_PHONE; fi
  if [ -z "$to" ]; then
    echo "::notice file=$file::$file is an $channel template and $var is not set: not sent"
    continue
  fi
  err="$(mktemp)"
  "${settle[@]}" render "$file" --data "$record" --send-to "$to" >/dev/null 2>"$err"
  code=$?
  cat "$err" >&2
  if [ "$code" -eq 0 ]; then
    sent=$((sent + 1))
    echo "- \`$file\`: $(cat "$err")" >>"$summary"
  elif [ "$code" -eq 2 ] && grep -q 'not set' "$err"; then
    echo "::warning file=$file::$file not sent: $(tr '\n' ' ' <"$err")"
  else
    echo "::error file=$file::$file could not be sent: $(tr '\n' ' ' <"$err")"
    status=1
  fi
  rm -f "$err"
done < <(git diff -z --name-only --diff-filter=d "$base" -- "$dir")

echo "review sends: $sent template(s) sent"
exit "$status"
