/**
 * The V8 settings the gateway's launchers start Node.js with: the `hejie-gateway` command's
 * first line, `pnpm start` and `pnpm gateway` (a test keeps the three equal to this list).
 *
 * Node's default young generation on a machine with a few GiB of memory is two semi-spaces of
 * 32 MiB; the gateway's requests and streamed exports leave little alive in it, so half of
 * that keeps the resident memory about 100 MiB lower (a million-entry export peaked at 316 MiB
 * with the defaults and 219 MiB with this) at no cost in time that the benchmarks could see.
 * It bounds nothing: unlike an old-space limit, a semi-space size cannot make the process run
 * out of memory. docs/performance.md, "Memory".
 */
export const nodeFlags: readonly string[] = ['--max-semi-space-size=16']
