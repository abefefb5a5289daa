// UNIT resolver on NONE: the payload comes back as ctx.result.
export function request(ctx) {
  return { payload: ctx.args.message };
}

export function response(ctx) {
  return ctx.result;
}
