/** A person as Telegram names them: a user row, a message's sender, a Mini App's user. */
export interface NamedPerson {
  first_name: string;
  last_name?: string | null | undefined;
}

/** First and last name, as the panel, the staff and the orders show a person ('' when Telegram gave neither). */
export function fullName(person: NamedPerson): string {
  return [person.first_name, person.last_name].filter(Boolean).join(' ');
}
