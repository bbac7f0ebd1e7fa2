import { describe, expect, it } from 'vitest';
import { rewriteNullable } from './spec.js';

describe('rewriting OpenAPI 3.0 nullable for JSON Schema 2020', () => {
  it('adds null to a typed schema and to its enum', () => {
    expect(rewriteNullable({ type: 'string', enum: ['a'], nullable: true })).toEqual({
      type: ['string', 'null'],
      enum: ['a', null],
    });
  });

  it('wraps an untyped nullable schema in anyOf', () => {
    expect(rewriteNullable({ $ref: '#/x', nullable: true })).toEqual({
      anyOf: [{ $ref: '#/x' }, { type: 'null' }],
    });
  });

  it('turns allOf [$ref, {nullable: true}] into a nullable $ref', () => {
    expect(rewriteNullable({ allOf: [{ $ref: '#/x' }, { nullable: true }] })).toEqual({
      anyOf: [{ allOf: [{ $ref: '#/x' }] }, { type: 'null' }],
    });
  });

  it('leaves a property that happens to be named nullable alone, and recurses', () => {
    const schema = {
      properties: { nullable: { type: 'boolean' }, inner: { type: 'integer', nullable: true } },
    };
    expect(rewriteNullable(schema)).toEqual({
      properties: { nullable: { type: 'boolean' }, inner: { type: ['integer', 'null'] } },
    });
  });
});
