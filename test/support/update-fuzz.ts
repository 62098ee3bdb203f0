// Mutated Telegram updates for fuzz tests: a corpus of well-formed updates of every kind Lavka
// handles, and seeded mutations of them (wrong types, missing fields, absurd sizes, forged
// payment fields), reproducible from the seed.

/** A deterministic pseudo-random source (mulberry32), so a failure can be replayed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Well-formed updates (without `update_id`) from users `userIds`, one of each kind. */
export function updateCorpus(userIds: readonly number[]): { kind: string; payload: Json }[] {
  const date = Math.floor(Date.now() / 1000);
  return userIds.flatMap((id, index) => {
    const from = { id, is_bot: false, first_name: `Fuzz${index}`, username: `fuzz_${id}`, language_code: ['ru', 'en', 'kk'][index % 3] as string };
    const chat = { id, type: 'private', first_name: `Fuzz${index}` };
    const message = (extra: Record<string, Json>): Json => ({ message_id: 1000 + index, date, chat, from, ...extra });
    const items: { kind: string; payload: Json }[] = [
      { kind: 'message', payload: message({ text: '/start', entities: [{ type: 'bot_command', offset: 0, length: 6 }] }) },
      { kind: 'message', payload: message({ text: '/start p_1', entities: [{ type: 'bot_command', offset: 0, length: 6 }] }) },
      { kind: 'message', payload: message({ text: 'Hello there' }) },
      { kind: 'message', payload: message({ text: '/my_orders', entities: [{ type: 'bot_command', offset: 0, length: 10 }] }) },
      { kind: 'message', payload: message({ contact: { phone_number: '+77012345678', first_name: 'Fuzz', user_id: id } }) },
      { kind: 'message', payload: message({ document: { file_id: 'BQAD-fuzz', file_unique_id: 'fuzz-u', file_name: 'model.stl', mime_type: 'model/stl', file_size: 1234 } }) },
      { kind: 'message', payload: message({ photo: [{ file_id: 'AgAD-fuzz', file_unique_id: 'fuzz-p', width: 90, height: 90, file_size: 999 }], caption: 'receipt' }) },
      { kind: 'message', payload: message({ text: 'reply', reply_to_message: { message_id: 1, date, chat, text: 'earlier' } }) },
      {
        kind: 'message',
        payload: message({
          successful_payment: { currency: 'XTR', total_amount: 50, invoice_payload: 'pay:1', telegram_payment_charge_id: `stxFUZZ${id}`, provider_payment_charge_id: '' },
        }),
      },
      { kind: 'edited_message', payload: message({ text: 'edited', edit_date: date }) },
      { kind: 'callback_query', payload: { id: `cb${id}`, from, chat_instance: '42', data: 'core:menu', message: message({ text: 'Menu' }) } },
      { kind: 'callback_query', payload: { id: `cb2${id}`, from, chat_instance: '42', data: 'cart:add:1:1', message: message({ text: 'Product' }) } },
      { kind: 'pre_checkout_query', payload: { id: `pc${id}`, from, currency: 'XTR', total_amount: 50, invoice_payload: 'pay:1' } },
      {
        kind: 'my_chat_member',
        payload: {
          chat,
          from,
          date,
          old_chat_member: { status: 'member', user: { id: 1, is_bot: true, first_name: 'Bot' } },
          new_chat_member: { status: 'kicked', user: { id: 1, is_bot: true, first_name: 'Bot' } },
        },
      },
      { kind: 'inline_query', payload: { id: `iq${id}`, from, query: 'shirt', offset: '' } },
    ];
    return items;
  });
}

/** Values that do not belong where they are put. */
function strangeValue(random: () => number): Json {
  const choices: (() => Json)[] = [
    () => null,
    () => true,
    () => 0,
    () => -1,
    () => 1.5,
    () => 2 ** 60,
    () => Number.MAX_SAFE_INTEGER,
    () => '',
    () => 'x'.repeat(5000),
    () => '\u0000\u2028\u{1F600}<b>',
    () => '12345',
    () => [],
    () => [1, 'two', null],
    () => ({}),
    () => ({ nested: { deeper: [{}] } }),
    () => ({ evil: true }),
  ];
  return choices[Math.floor(random() * choices.length)]!();
}

/** Every path to a value inside `value`, e.g. `['from', 'id']`. */
function paths(value: Json, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((item, index) => [String(index), item] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, item]) => paths(item, [...prefix, key]))];
}

/** One mutation of a payload: a field replaced, removed or added, or the payload swapped. */
export function mutate(payload: Json, random: () => number): Json {
  const copy = structuredClone(payload);
  const all = paths(copy).filter((path) => path.length > 0);
  const path = all[Math.floor(random() * all.length)];
  if (!path) return strangeValue(random);
  const parent = path.slice(0, -1).reduce<Json>((node, key) => (node as Record<string, Json>)[key]!, copy) as Record<string, Json> | Json[];
  const key = path.at(-1)!;
  const roll = random();
  if (roll < 0.2 && !Array.isArray(parent)) {
    delete (parent as Record<string, Json>)[key];
  } else if (roll < 0.25) {
    return strangeValue(random);
  } else if (roll < 0.3 && !Array.isArray(parent)) {
    (parent as Record<string, Json>)[`unexpected_${Math.floor(random() * 1000)}`] = strangeValue(random);
  } else {
    (parent as Record<string, Json>)[key as never] = strangeValue(random);
  }
  return copy;
}
