import type { ConnectorCall } from "./fake-connector";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Proactive messages, as against replies to what someone sent. botbuilder sends a proactive message as a reply to the
 * continuation activity it makes up, whose id is a fresh UUID (or to nothing, in a chat it has just created); the
 * activities these tests send have ids of another shape.
 */
export function proactivePosts(calls: readonly ConnectorCall[]): ConnectorCall[] {
  return calls.filter((c) => {
    const replyTo = /^\/v3\/conversations\/[^/]+\/activities(?:\/(.+))?$/.exec(c.path);
    return c.method === "POST" && replyTo !== null && (replyTo[1] === undefined || UUID.test(replyTo[1]));
  });
}

/**
 * What a phone's notification, or anyone in a channel, can read of these messages that it should not: any of
 * `secrets` in a summary, or in a text outside its @mention tags (a mention shows the name of the person it is for).
 */
export function leaks(posts: readonly ConnectorCall[], secrets: readonly string[]): string[] {
  return posts.flatMap((call) =>
    [call.body.summary, typeof call.body.text === "string" ? call.body.text.replace(/<at>[^<>]*<\/at>/g, "@") : undefined]
      .filter((said): said is string => typeof said === "string")
      .flatMap((said) => secrets.filter((secret) => said.includes(secret)).map((secret) => `${call.path}: "${said}" gives away ${secret}`)),
  );
}
