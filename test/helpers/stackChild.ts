/**
 * A local stack in its own process (for tests that measure the server's memory): started with the
 * LocalStackOptions given as JSON in argv[2]; prints one JSON line with its endpoints; stops when
 * its stdin closes (so it never outlives the test that started it).
 */
import { startLocalStack } from '../../infra/local/stack';
import type { LocalStackOptions } from '../../infra/local/contracts';

const options = JSON.parse(process.argv[2] ?? '{}') as LocalStackOptions;
const stack = await startLocalStack(options);
// An ID token of the stack's built-in admin (group admins), for requests the tests send.
const { IdToken: token } = await stack.userPool.issueTokens('foreman-admin', { origin: new URL(stack.graphqlUrl).origin });
process.stdout.write(`${JSON.stringify({ graphqlUrl: stack.graphqlUrl, realtimeUrl: stack.realtimeUrl, apiKey: stack.apiKey, token, pid: process.pid })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void stack.stop().then(() => process.exit(0));
});
