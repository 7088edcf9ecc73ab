import { createHash } from 'node:crypto'

/**
 * The page's only stylesheet, inline and allowed by its hash in the Content-Security-Policy
 * (no `unsafe-inline`, no script at all). Mobile first: one column, 16 px text and tap
 * targets of at least 44 px; colours keep a contrast of 7:1 or more for text, and every
 * control shows a thick focus ring.
 */
export const stylesheet = `
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:#f3f5f7;color:#1b1f23;font:16px/1.6 -apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",system-ui,sans-serif}
header{background:#0b4f8a;color:#fff;padding:12px 16px;display:flex;justify-content:space-between;align-items:center;gap:8px}
header p{margin:0;font-size:15px;font-weight:600}
header a{color:#fff;font-size:15px;padding:10px 4px}
main{max-width:560px;margin:0 auto;padding:16px}
.card{background:#fff;border-radius:12px;padding:20px 16px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h1{font-size:22px;line-height:1.3;margin:0 0 12px}
p{margin:0 0 16px}
dl{margin:0 0 20px;display:grid;grid-template-columns:max-content 1fr;gap:8px 12px}
dt{color:#454d55}
dd{margin:0;overflow-wrap:anywhere;white-space:pre-wrap}
fieldset{border:0;margin:0 0 20px;padding:0}
legend{font-weight:600;margin-bottom:8px;padding:0}
.choice{display:flex;align-items:center;gap:10px;min-height:48px;padding:8px 12px;margin-bottom:8px;border:2px solid #c5ccd3;border-radius:10px;background:#fff}
.choice input{width:22px;height:22px;margin:0;accent-color:#0b4f8a}
label{display:block;font-weight:600;margin-bottom:6px}
.choice label{margin:0;font-weight:400;flex:1;padding:6px 0}
input[type=text],textarea{width:100%;font:inherit;padding:12px;border:2px solid #6b7680;border-radius:10px;background:#fff;color:#1b1f23}
input.code{font-size:28px;letter-spacing:.3em;text-align:center;font-variant-numeric:tabular-nums}
textarea{min-height:96px;resize:vertical}
button{width:100%;min-height:48px;border:0;border-radius:10px;background:#0b4f8a;color:#fff;font:inherit;font-weight:600;font-size:17px;margin-top:8px}
:focus-visible{outline:3px solid #d9480f;outline-offset:2px}
.error{border-left:4px solid #b3261e;background:#fdecea;color:#7a1611;padding:10px 12px;border-radius:6px;margin:0 0 16px}
footer{color:#454d55;font-size:13px;text-align:center;padding:16px}
`.trim()

/** The CSP source that allows exactly this stylesheet. */
export const stylesheetHash = `'sha256-${createHash('sha256').update(stylesheet).digest('base64')}'`
