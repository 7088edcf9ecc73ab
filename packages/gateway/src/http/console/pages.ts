/**
 * The answers of `/console` that are not the app itself, as small static pages: the console
 * has no script to run until its files are there, and none may run over plain HTTP.
 */
const page = (title: string, body: string) =>
  `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`

export const httpsRequiredPage = page(
  '控制台需要 HTTPS · The console needs HTTPS',
  '<p>和解控制台只能通过 HTTPS 访问（本机 localhost 除外）：浏览器只在安全连接中提供核验审计证明所需的 WebCrypto。请使用 https:// 地址。</p><p lang="en">The Hejie console is served over HTTPS only, except on the machine itself: browsers offer the WebCrypto that verifies audit proofs only in secure contexts. Use the https:// address.</p>',
)

export const notBuiltPage = page(
  '控制台尚未构建 · The console is not built',
  '<p>网关没有找到控制台的构建文件。在仓库中运行 <code>pnpm run build</code>，或用 <code>HEJIE_CONSOLE_DIR</code> 指定其目录。</p><p lang="en">The gateway found no built console. Run <code>pnpm run build</code> in the repository, or point <code>HEJIE_CONSOLE_DIR</code> at its directory.</p>',
)
