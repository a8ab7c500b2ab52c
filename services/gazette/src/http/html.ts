// Server-rendered pages of the gazette service (search, the archivists' desk): every value goes through escapeHtml.

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (value: unknown): string => String(value ?? '').replace(/[&<>"']/g, (char) => entities[char] ?? char);

/** A tagged template that escapes every interpolated value, except those already rendered with it (SafeHtml). */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export const html = (strings: TemplateStringsArray, ...values: unknown[]): SafeHtml =>
  new SafeHtml(
    strings.reduce((out, string, index) => {
      if (index === 0) return string;
      const value = values[index - 1];
      const rendered = Array.isArray(value)
        ? value.map((item) => (item instanceof SafeHtml ? item.value : escapeHtml(item))).join('')
        : value instanceof SafeHtml
          ? value.value
          : value === undefined || value === null || value === false
            ? ''
            : escapeHtml(value);
      return out + rendered + string;
    }, ''),
  );

/** Served at /assets/gazette.css (a strict CSP: no inline style or script). */
export const stylesheet = `
body{font-family:"Noto Sans CJK SC","Noto Sans SC",sans-serif;margin:0;color:#1a1a1a;background:#fff;line-height:1.7;font-size:1.05rem}
header,main,footer{max-width:64rem;margin:0 auto;padding:0 1rem}
header{border-bottom:3px solid #9b1c1c}
a{color:#0b4f9c}
a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #d97706;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #8a8a8a;padding:.4rem;text-align:left;vertical-align:top}
button{font:inherit;padding:.3rem .8rem;margin:.1rem;border:1px solid #0b4f9c;background:#0b4f9c;color:#fff;border-radius:3px;cursor:pointer}
button.secondary{background:#fff;color:#0b4f9c}
label{display:block;font-weight:bold;margin-top:.5rem}
input,select,textarea{font:inherit;padding:.3rem;border:1px solid #5a5a5a;max-width:100%}
textarea{width:100%}
.notice{border-left:4px solid #0b7a3e;background:#eef8f1;padding:.5rem 1rem}
.error{border-left:4px solid #9b1c1c;background:#fdf0f0;padding:.5rem 1rem}
.muted{color:#4a4a4a}
form.inline{display:inline}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;

export const page = (title: string, body: SafeHtml, options: { heading?: string } = {}): string =>
  html`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="/assets/gazette.css">
</head>
<body>
<a class="skip" href="#main">跳到正文</a>
<header><p><a href="/archive/">公报档案</a> · <a href="/search">公报检索</a></p></header>
<main id="main">
<h1>${options.heading ?? title}</h1>
${body}
</main>
<footer><p class="muted">政府公报 · 同源发布</p></footer>
</body>
</html>
`.value;
