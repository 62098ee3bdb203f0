import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ApiUser } from './api-types.ts';
import { ApiError } from './api-error.ts';
import { formatText } from './formatting.ts';

const ann: ApiUser = { id: 42, is_bot: false, first_name: 'Ann' };
const resolveUser = (id: number): ApiUser | undefined => (id === 42 ? ann : undefined);
const html = (source: string) => formatText(source, { parseMode: 'HTML', resolveUser });
const mdv2 = (source: string) => formatText(source, { parseMode: 'MarkdownV2', resolveUser });
const md = (source: string) => formatText(source, { parseMode: 'Markdown', resolveUser });

function parseFailure(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof ApiError, 'a parse failure is an ApiError');
    assert.equal(error.errorCode, 400);
    return error.description;
  }
  return assert.fail('expected the markup to be refused');
}

describe('HTML parse mode', () => {
  test('nested tags become entities with UTF-16 offsets that count an emoji as two units', () => {
    const result = html('😀 <b>bold <i>both</i></b> <a href="https://example.com">link</a>');
    assert.equal(result.text, '😀 bold both link');
    assert.deepEqual(result.entities, [
      { type: 'bold', offset: 3, length: 9 },
      { type: 'italic', offset: 8, length: 4 },
      { type: 'text_link', offset: 13, length: 4, url: 'https://example.com/' },
    ]);
  });

  test('the four named entities and numeric references are decoded', () => {
    assert.equal(html('&lt;b&gt; &amp; &quot;x&quot; &#65;&#x42; &nbsp;').text, '<b> & "x" AB &nbsp;');
  });

  test('pre with a nested code class becomes one pre entity with its language', () => {
    const result = html('<pre><code class="language-python">print(1)</code></pre>');
    assert.deepEqual(result.entities, [{ type: 'pre', offset: 0, length: 8, language: 'python' }]);
  });

  test('spoilers, underline, strikethrough, expandable blockquotes and custom emoji map to their entity types', () => {
    const result = html('<tg-spoiler>a</tg-spoiler><span class="tg-spoiler">b</span><u>c</u><s>d</s><blockquote expandable>e</blockquote><tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>');
    assert.deepEqual(
      result.entities.map((e) => [e.type, e.offset, e.length]),
      [['spoiler', 0, 1], ['spoiler', 1, 1], ['underline', 2, 1], ['strikethrough', 3, 1], ['expandable_blockquote', 4, 1], ['custom_emoji', 5, 2]],
    );
  });

  test('a tg://user link to a known user becomes a text_mention carrying the user', () => {
    assert.deepEqual(html('<a href="tg://user?id=42">Ann</a>').entities, [{ type: 'text_mention', offset: 0, length: 3, user: ann }]);
  });

  test('surrounding whitespace is trimmed and entities shift with it', () => {
    assert.deepEqual(html('  <b> hi </b>\n'), { text: 'hi', entities: [{ type: 'bold', offset: 0, length: 2 }] });
  });

  test('bad markup is refused with Telegram\'s "can\'t parse entities" descriptions', () => {
    assert.equal(parseFailure(() => html('<b>x</i>')), 'Bad Request: can\'t parse entities: Unmatched end tag at byte offset 4, expected "</b>", found "</i>"');
    assert.equal(parseFailure(() => html('<foo>x</foo>')), 'Bad Request: can\'t parse entities: Unsupported start tag "foo" at byte offset 0');
    assert.equal(parseFailure(() => html('<b>open')), 'Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "b"');
    assert.equal(parseFailure(() => html('a <span>b</span>')), 'Bad Request: can\'t parse entities: Tag "span" must have class "tg-spoiler" at byte offset 2');
  });

  test('an unknown parse_mode is refused', () => {
    assert.equal(parseFailure(() => formatText('x', { parseMode: 'BBCode', resolveUser })), 'Bad Request: unsupported parse_mode');
  });
});

describe('MarkdownV2 parse mode', () => {
  test('every entity kind parses, escapes are literal and offsets count UTF-16 units', () => {
    const result = mdv2('*bold* _it_ __under__ ~s~ ||sp|| [l](http://a.com/\\)) `c` 😀 \\. \\!');
    assert.equal(result.text, 'bold it under s sp l c 😀 . !');
    assert.deepEqual(result.entities, [
      { type: 'bold', offset: 0, length: 4 },
      { type: 'italic', offset: 5, length: 2 },
      { type: 'underline', offset: 8, length: 5 },
      { type: 'strikethrough', offset: 14, length: 1 },
      { type: 'spoiler', offset: 16, length: 2 },
      { type: 'text_link', offset: 19, length: 1, url: 'http://a.com/)' },
      { type: 'code', offset: 21, length: 1 },
    ]);
  });

  test('a fenced block keeps its language and drops the first newline', () => {
    assert.deepEqual(mdv2('```js\nconst a = 1;\n```'), { text: 'const a = 1;', entities: [{ type: 'pre', offset: 0, length: 12, language: 'js' }] });
  });

  test('lines starting with > form a blockquote and **> … || an expandable one', () => {
    assert.deepEqual(mdv2('>one\n>two\nafter').entities, [{ type: 'blockquote', offset: 0, length: 7 }]);
    assert.deepEqual(mdv2('**>one\n>two||\nafter').entities, [{ type: 'expandable_blockquote', offset: 0, length: 7 }]);
  });

  test('an unescaped reserved character is refused with Telegram\'s wording', () => {
    assert.equal(
      parseFailure(() => mdv2('Price: 10.5')),
      "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
    );
  });

  test('an unclosed entity names its kind and byte offset', () => {
    assert.equal(parseFailure(() => mdv2('Привет *мир')), "Bad Request: can't parse entities: Can't find end of Bold entity at byte offset 13");
  });
});

describe('legacy Markdown parse mode', () => {
  test('bold, italic, links, code and pre parse without nesting', () => {
    const result = md('*b* _i_ [t](https://x.org) `c` ```\npre```');
    assert.equal(result.text, 'b i t c pre');
    assert.deepEqual(result.entities.map((e) => e.type), ['bold', 'italic', 'text_link', 'code', 'pre']);
  });

  test('an unclosed entity is refused', () => {
    assert.equal(parseFailure(() => md('a *b')), "Bad Request: can't parse entities: Can't find end of the entity starting at byte offset 2");
  });
});

describe('entities Telegram detects by itself', () => {
  test('commands, mentions, hashtags, URLs and e-mails are found in plain text', () => {
    const result = formatText('/start p_12 @someone #tag https://a.b/c. mail a@b.co', { resolveUser });
    assert.deepEqual(result.entities.map((e) => [e.type, result.text.slice(e.offset, e.offset + e.length)]), [
      ['bot_command', '/start'],
      ['mention', '@someone'],
      ['hashtag', '#tag'],
      ['url', 'https://a.b/c'],
      ['email', 'a@b.co'],
    ]);
  });

  test('nothing is detected inside code', () => {
    assert.deepEqual(html('<code>/start @someone</code>').entities, [{ type: 'code', offset: 0, length: 15 }]);
  });
});
