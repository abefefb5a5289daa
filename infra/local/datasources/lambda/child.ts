/**
 * The child process of a Lambda data source with `isolation: 'child'`: loads the handler module
 * once (argv: file, export, function name), then answers `{ id, event }` messages over IPC with
 * `{ id, reply }`. Exits when its parent goes (the IPC channel closes).
 */
import { callHandler, loadHandler } from './invoke';

const [file, exportName, functionName] = process.argv.slice(2) as [string, string, string];
const handler = loadHandler(file, exportName);
const TIMEOUT_MS = 30_000;

process.on('message', (message: { id: number; event: unknown }) => {
  void handler
    .then((h) => callHandler(h, functionName, message.event, TIMEOUT_MS))
    .catch((error: unknown) => ({ ok: false as const, errorType: 'Runtime.ImportModuleError', errorMessage: (error as Error).message }))
    .then((reply) => process.send?.({ id: message.id, reply }));
});
process.on('disconnect', () => process.exit(0));
