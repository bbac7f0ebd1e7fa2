import { describe, expect, it } from 'vitest';
import type { McpToolParam } from '../../core/tool-definition.js';
import { responseBody, toolsFor } from './request.js';

const settings = {
  model: 'gpt-4.1',
  instructions: 'Help.',
  codeInterpreter: false,
  fileSearch: true,
  webSearch: false,
  imageGeneration: false,
  vectorStoreIds: ['vs_1'],
};
const DOCS: McpToolParam = {
  type: 'mcp',
  server_label: 'docs',
  server_url: 'https://mcp.example.com/mcp',
  allowed_tools: ['search'],
  headers: { Authorization: 'Bearer t' },
  require_approval: 'never',
};

describe('a Responses request', () => {
  it('carries file search, function and MCP tools, in that order', () => {
    const fn = { name: 'current_time', description: 'Now.', parameters: {} };
    expect(toolsFor(settings, [fn], [], [DOCS])).toEqual([
      { type: 'file_search', vector_store_ids: ['vs_1'] },
      { type: 'function', name: 'current_time', description: 'Now.', parameters: {}, strict: false },
      DOCS,
    ]);
  });

  it('carries the hosted web search and image generation (one draft before the image) when enabled', () => {
    expect(
      toolsFor({ ...settings, fileSearch: false, webSearch: true, imageGeneration: true }, [], []),
    ).toEqual([{ type: 'web_search' }, { type: 'image_generation', partial_images: 1 }]);
  });

  it('asks for what the chat shows: the interpreter’s logs and the file search results', () => {
    expect(responseBody(settings, [], [], { conversation: 'conv_1' }).include).toEqual([
      'code_interpreter_call.outputs',
      'file_search_call.results',
    ]);
  });

  it('sets temperature and reasoning effort only when the profile does', () => {
    const plain = responseBody(settings, [], [], { conversation: 'conv_1' });
    expect(plain).not.toHaveProperty('temperature');
    expect(plain).not.toHaveProperty('reasoning');
    const tuned = responseBody({ ...settings, temperature: 0.2, reasoningEffort: 'high' }, [], [], {
      conversation: 'conv_1',
    });
    expect(tuned).toMatchObject({ model: 'gpt-4.1', temperature: 0.2, reasoning: { effort: 'high' } });
  });
});
