import { stopBuilds } from "./build";
import { closeAll } from "./servers";

/**
 * A bench's way out, whatever happens: Ctrl-C or a kill, a failure or the end of `main` stops the
 * builds and the workerd processes the run started, then exits with `main`'s code (1 on a failure).
 */
export async function runBench(main: () => Promise<number>): Promise<never> {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      stopBuilds();
      void closeAll().finally(() => process.exit(130));
    });
  }
  let code = 1;
  try {
    code = await main();
  } catch (error) {
    console.error(`bench: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    stopBuilds();
    await closeAll();
  }
  process.exit(code);
}
