// The scoring function: a plain Node.js Lambda handler. As a pipeline function's data source it
// gets the payload `{ title }`; as a direct Lambda resolver (Query.score) it gets the resolver's
// context, with the title in `arguments`.
export async function handler(event) {
  const title = event.arguments?.title ?? event.title;
  if (typeof title !== 'string') throw new Error('No title to score');
  if (/urgent/i.test(title)) return 1;
  if (title.toLowerCase().includes('reject')) {
    const error = new Error(`Refusing to score "${title}"`);
    error.name = 'ScoreRefused';
    throw error;
  }
  return 3;
}
