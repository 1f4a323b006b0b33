/**
 * The feedback form: one server-rendered page, no script, so it works without the web app's
 * bundle, in any browser and inside an iframe. It posts to itself (POST /feedback), a
 * same-origin form post even when embedded, and shows the answer or the problem in place.
 */
export interface FormView {
  categories: readonly string[];
  /** feedback.public_form: when off the page says so and shows no form. */
  enabled: boolean;
  values?: { category?: string; sentiment?: string; text?: string; team?: string };
  error?: string | null;
  done?: boolean;
}

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!,
  );

const SENTIMENTS: [string, string][] = [
  ['friction', 'Something got in my way'],
  ['praise', 'Something works well'],
  ['idea', 'An idea'],
  ['other', 'Other'],
];

const STYLE = `body{font:15px/1.45 system-ui,sans-serif;margin:0;padding:16px;color:#1b1f24;background:#fff}
main{max-width:34rem}h1{font-size:1.2rem;margin:0 0 .5rem}label{display:block;margin:.75rem 0 .25rem;font-weight:600}
select,input,textarea{font:inherit;width:100%;box-sizing:border-box;padding:.4rem;border:1px solid #8c959f;border-radius:4px}
textarea{min-height:7rem}fieldset{border:0;padding:0;margin:.75rem 0 0}legend{font-weight:600;padding:0}
fieldset label{display:inline;font-weight:400;margin-right:1rem}fieldset input{width:auto}
button{margin-top:1rem;font:inherit;padding:.5rem 1.2rem;border:0;border-radius:4px;background:#0969da;color:#fff;cursor:pointer}
.error{border-left:4px solid #cf222e;background:#ffebe9;padding:.5rem .75rem}.done{border-left:4px solid #1a7f37;background:#dafbe1;padding:.5rem .75rem}
.note{color:#57606a;font-size:.85rem}`;

export function renderFeedbackForm(v: FormView): string {
  const val = v.values ?? {};
  const head = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Feedback · Pitwall</title><style>${STYLE}</style></head><body><main>`;
  const tail = `</main></body></html>`;
  if (!v.enabled)
    return `${head}<h1>Feedback</h1><p class="error" role="alert">This form is not open: the server takes feedback only with a token (feedback.public_form is off). Ask the platform team to set <code>feedback.public_form: true</code> in pitwall.yaml.</p>${tail}`;
  const options = v.categories
    .map((c) => `<option value="${esc(c)}"${val.category === c ? ' selected' : ''}>${esc(c)}</option>`)
    .join('');
  const sentiment = val.sentiment ?? 'friction';
  const radios = SENTIMENTS.map(
    ([value, label]) =>
      `<label><input type="radio" name="sentiment" value="${value}"${sentiment === value ? ' checked' : ''}> ${esc(label)}</label>`,
  ).join(' ');
  const banner = v.done
    ? `<p class="done" role="status">Thank you: your feedback was recorded.</p>`
    : v.error
      ? `<p class="error" role="alert" id="error">${esc(v.error)}</p>`
      : '';
  return `${head}<h1>Tell the platform team</h1>${banner}
<form method="post" action="/feedback">
<label for="category">Category</label><select id="category" name="category" required>${options}</select>
<fieldset><legend>What is it?</legend>${radios}</fieldset>
<label for="text">Your feedback</label><textarea id="text" name="text" maxlength="5000" required>${esc(val.text ?? '')}</textarea>
<label for="team">Team <span class="note">(optional)</span></label><input id="team" name="team" maxlength="200" value="${esc(val.team ?? '')}">
<button type="submit">Send</button>
<p class="note">Anonymous: the form does not ask or keep who you are. Feedback is only ever shown in counts, over several people.</p>
</form>${tail}`;
}
