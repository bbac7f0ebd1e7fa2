/**
 * Gateway payloads as Discord has really sent them, against its own documentation, for
 * `fake.gateway.alterNext(t, quirk)`. Each names where it was seen, so a test that uses one shows a
 * real shape, not an invented one.
 */

/**
 * An INTERACTION_CREATE without `entitlements`. The documentation marks the field required; Discord
 * left it out of interactions for days in July 2024 (discordjs/discord.js#10377 and #10378,
 * interactions-py/interactions.py#1715). discord.js 14 reads `data.entitlements.reduce(...)` in
 * BaseInteraction's constructor, so such an interaction throws inside the client's packet handling.
 */
export function withoutEntitlements(d: unknown): unknown {
  const { entitlements: _dropped, ...rest } = d as Record<string, unknown>;
  return rest;
}
