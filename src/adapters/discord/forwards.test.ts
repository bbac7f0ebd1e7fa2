import { describe, expect, it } from 'vitest';
import { FORWARD_HEADING, withForwarded } from './forwards.js';

const csv = { name: 'q3.csv', url: 'https://cdn.discordapp.com/a/q3.csv', size: 20, contentType: 'text/csv' };

describe('withForwarded', () => {
  it('makes a forward’s snapshot the question: its text under a heading, its files as attachments', () => {
    const read = withForwarded({ content: '', attachments: [] }, [
      { content: 'Q3 sales are in the sheet.', attachments: [csv] },
    ]);
    expect(read).toEqual({
      content: `${FORWARD_HEADING}\nQ3 sales are in the sheet.`,
      attachments: [csv],
    });
  });

  it('says a forward of files only is one, so the question is not empty', () => {
    const read = withForwarded({ content: '', attachments: [] }, [{ content: '  ', attachments: [csv] }]);
    expect(read.content).toBe(`${FORWARD_HEADING} (files only)`);
    expect(read.attachments).toEqual([csv]);
  });

  it('keeps a message’s own words first and leaves a message without snapshots as it was', () => {
    expect(
      withForwarded({ content: 'sum it up', attachments: [] }, [{ content: 'a', attachments: [] }]),
    ).toEqual({
      content: `sum it up\n\n${FORWARD_HEADING}\na`,
      attachments: [],
    });
    expect(withForwarded({ content: 'plain', attachments: [csv] }, [])).toEqual({
      content: 'plain',
      attachments: [csv],
    });
  });

  it('forwards nothing when the snapshot is empty too (e.g. content hidden without the intent)', () => {
    expect(withForwarded({ content: '', attachments: [] }, [{ content: '', attachments: [] }])).toEqual({
      content: '',
      attachments: [],
    });
  });
});
