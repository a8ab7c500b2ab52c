// Classic script-injection vectors (OWASP's filter-evasion cheat sheet, PortSwigger's XSS cheat sheet, mXSS papers), as
// an editor's text or a forged event could carry them. Each would, if it ever became markup, do something a test can
// see: open a dialog (alert), set top.__xss, log "XSS-EXECUTED", or fetch /x or http://xss.invalid/.

export interface XssVector {
  /** What the vector tries, for failure messages. */
  name: string;
  text: string;
}

export const xssVectors: readonly XssVector[] = [
  { name: 'script element', text: '<script>alert(1)</script>' },
  { name: 'script setting a flag', text: '<script>top.__xss=1</script>' },
  { name: 'mixed-case script', text: '<ScRiPt>top.__xss=2</sCrIpT>' },
  { name: 'script from a data: URL', text: '<script src="data:text/javascript,top.__xss=3"></script>' },
  { name: 'img onerror', text: '<img src=x onerror=alert(1)>' },
  { name: 'img onerror logging', text: `<img src=x onerror="console.log('XSS-EXECUTED')">` },
  { name: 'mixed-case img onerror', text: '<IMG SRC=x OnErRoR=top.__xss=4>' },
  { name: 'svg onload', text: '<svg onload=alert(1)>' },
  { name: 'script inside svg', text: '<svg><script>top.__xss=5</script></svg>' },
  { name: 'body onload', text: '<body onload=alert(1)>' },
  { name: 'iframe javascript: src', text: '<iframe src="javascript:top.__xss=6"></iframe>' },
  { name: 'iframe srcdoc', text: '<iframe srcdoc="<script>top.__xss=7</script>"></iframe>' },
  { name: 'iframe srcdoc entity-encoded', text: '<iframe srcdoc="&lt;script&gt;top.__xss=8&lt;/script&gt;"></iframe>' },
  { name: 'javascript: link', text: '<a href="javascript:alert(1)">点击查看</a>' },
  { name: 'javascript: link with a tab entity', text: '<a href="java&#x09;script:alert(1)">点击</a>' },
  {
    name: 'javascript: link, decimal entities',
    text: '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">链接</a>',
  },
  { name: 'attribute breakout, double quote', text: '"><script>top.__xss=9</script>' },
  { name: 'attribute breakout, single quote', text: `'><img src=x onerror=alert(1)>` },
  { name: 'unquoted attribute breakout', text: 'x onmouseover=alert(1) autofocus onfocus=alert(1) ' },
  { name: 'title breakout', text: '</title><script>top.__xss=10</script>' },
  { name: 'textarea breakout', text: '</textarea><script>alert(1)</script>' },
  { name: 'style breakout', text: '</style><script>alert(1)</script>' },
  { name: 'script breakout (inline JSON)', text: '</script><script>top.__xss=11</script>' },
  { name: 'comment breakout', text: '--><script>alert(1)</script><!--' },
  { name: 'CDATA breakout', text: ']]><script>alert(1)</script>' },
  { name: 'CSS expression', text: '<div style="width:expression(alert(1))">样式</div>' },
  { name: 'CSS javascript: url', text: '<div style="background:url(javascript:alert(1))">背景</div>' },
  { name: 'CSS @import', text: `<style>@import 'http://xss.invalid/x.css';</style>` },
  { name: 'autofocus onfocus', text: '<input autofocus onfocus=alert(1)>' },
  { name: 'details ontoggle', text: '<details open ontoggle=top.__xss=12>' },
  { name: 'video source onerror', text: '<video><source onerror=alert(1)></video>' },
  { name: 'object data javascript:', text: '<object data="javascript:alert(1)"></object>' },
  { name: 'embed src javascript:', text: '<embed src="javascript:alert(1)">' },
  { name: 'mXSS through math and style', text: '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>' },
  { name: 'mXSS through noscript', text: '<noscript><p title="</noscript><img src=x onerror=alert(1)>">' },
  { name: 'entity-encoded script', text: '&lt;script&gt;alert(1)&lt;/script&gt;' },
  { name: 'numeric-entity img', text: '&#60;img src=x onerror=alert(1)&#62;' },
  { name: 'template injection (Angular)', text: `{{constructor.constructor('alert(1)')()}}` },
  { name: 'template injection (Handlebars triple-stash)', text: '{{{"<script>alert(1)</script>"}}}' },
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the vector is the literal text ${…}
  { name: 'template literal', text: '${alert(1)}' },
  { name: 'meta refresh to javascript:', text: '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">' },
  { name: 'base href hijack', text: '<base href="http://xss.invalid/">' },
  { name: 'form action javascript:', text: '<form action="javascript:alert(1)"><button>提交</button></form>' },
  { name: 'external image (tracking)', text: '<img src="http://xss.invalid/pixel.png">' },
  { name: 'stylesheet link', text: '<link rel="stylesheet" href="http://xss.invalid/x.css">' },
];

/** The vectors in a few groups, one group per field kind of a document. */
export const vectorGroups = (size: number): XssVector[][] => {
  const groups: XssVector[][] = [];
  for (let i = 0; i < xssVectors.length; i += size) groups.push(xssVectors.slice(i, i + size));
  return groups;
};

/**
 * What a page shows in place of executing: run in the browser after load. A finding is anything that would have run or
 * reached out had the browser's CSP not been bypassed for the test: event-handler attributes, javascript: URLs, injected
 * script, frame, object and base elements.
 */
export const domAuditScript = `(() => {
  const findings = [];
  const scriptUrl = /^[\\s\\u0000-\\u001f]*(java|vb)script:/i;
  for (const element of document.querySelectorAll('*')) {
    const tag = element.tagName.toLowerCase();
    for (const attribute of element.attributes) {
      const value = attribute.value.replace(/[\\s\\u0000-\\u001f]/g, '');
      if (attribute.name.startsWith('on')) findings.push(tag + ' has ' + attribute.name);
      if (['href', 'src', 'action', 'formaction', 'data', 'srcdoc', 'xlink:href'].includes(attribute.name) && scriptUrl.test(value))
        findings.push(tag + ' ' + attribute.name + '=' + attribute.value);
      if (attribute.name === 'srcdoc') findings.push(tag + ' has srcdoc');
    }
    if (['iframe', 'frame', 'object', 'embed', 'base', 'applet'].includes(tag)) findings.push('injected <' + tag + '>');
    if (tag === 'meta' && (element.getAttribute('http-equiv') || '').toLowerCase() === 'refresh') findings.push('meta refresh');
    // A JSON-LD block is data, never run; anything else that a vector wrote into a script would run.
    const type = (element.getAttribute('type') || 'text/javascript').toLowerCase();
    const runs = tag === 'script' && (type.includes('javascript') || type === 'module');
    if (runs && /alert|__xss|XSS-EXECUTED/.test((element.textContent || '') + (element.getAttribute('src') || '')))
      findings.push('injected <script>');
  }
  return findings;
})()`;
