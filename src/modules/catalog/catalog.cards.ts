/** Buttons other modules (the cart) add to the product card. */
import { type CardAction, type CardContext, type CardActionProvider, type CatalogCore } from './catalog.core.ts';

/** Registering and collecting card actions. */
export function createCatalogCardActions(core: CatalogCore) {
  const { cardActionProviders } = core;
  return {
    /** Lets a later module (the cart) add buttons to the product card. */
    registerCardActions(provider: CardActionProvider): void {
      cardActionProviders.push(provider);
    },

    /** The buttons other modules add to this card, in registration order. */
    async cardActions(card: CardContext): Promise<CardAction[]> {
      const lists = await Promise.all(cardActionProviders.map((provider) => provider(card)));
      return lists.flat();
    },
  };
}
