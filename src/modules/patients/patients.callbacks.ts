/**
 * Callback data that sends an unregistered user through registration and back to `then`
 * (`patients:reg:<then>`). Other modules reach it through the patients service.
 */
export function registerThenData(then: string): string {
  return `patients:reg:${then}`;
}
