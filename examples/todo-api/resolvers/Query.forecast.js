import { util } from '@aws-appsync/utils';

// UNIT resolver on HTTP: GET <endpoint>/forecast?city=…, the body is the answer.
export function request(ctx) {
  return {
    method: 'GET',
    resourcePath: '/forecast',
    params: { query: { city: ctx.args.city }, headers: { accept: 'text/plain' } },
  };
}

export function response(ctx) {
  if (ctx.error) util.error(ctx.error.message, ctx.error.type);
  if (ctx.result.statusCode !== 200) util.error(`The weather service answered ${ctx.result.statusCode}`, 'WeatherUnavailable', null, { statusCode: ctx.result.statusCode });
  return ctx.result.body;
}
