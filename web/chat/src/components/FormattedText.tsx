// Renders a message text with its entities as Telegram clients do. The nesting comes from
// buildEntityTree; this file only decides which element each entity type becomes.

import { useState, type KeyboardEvent, type ReactNode } from 'react';
import { buildEntityTree, hrefOfUrl, isSafeHref, type EntityNode, type TextEntity, type TextNode } from '../format/entities.ts';

/** Props of {@link FormattedText}. */
export interface FormattedTextProps {
  text: string;
  entities: readonly TextEntity[] | undefined;
  /** Pressing a /command in a bot message sends it, as in Telegram. */
  onCommand?: (command: string) => void;
}

/** A text with bold, links, spoilers, code blocks and the rest, rendered in place. */
export function FormattedText({ text, entities, onCommand }: FormattedTextProps): ReactNode {
  return renderNodes(buildEntityTree(text, entities), { onCommand });
}

interface RenderContext {
  onCommand: ((command: string) => void) | undefined;
}

function renderNodes(nodes: TextNode[], context: RenderContext): ReactNode[] {
  return nodes.map((node, index) => (typeof node === 'string' ? node : <EntityElement key={index} node={node} context={context} />));
}

function EntityElement({ node, context }: { node: EntityNode; context: RenderContext }): ReactNode {
  const children = renderNodes(node.children, context);
  const { entity } = node;
  switch (entity.type) {
    case 'bold':
      return <strong>{children}</strong>;
    case 'italic':
      return <em>{children}</em>;
    case 'underline':
      return <u>{children}</u>;
    case 'strikethrough':
      return <s>{children}</s>;
    case 'spoiler':
      return <Spoiler>{children}</Spoiler>;
    case 'code':
      return <code className="tg-code">{children}</code>;
    case 'pre':
      return (
        <pre className="tg-pre">
          {entity.language ? <span className="tg-pre-language">{entity.language}</span> : null}
          <code className={entity.language ? `language-${entity.language}` : undefined}>{children}</code>
        </pre>
      );
    case 'blockquote':
      return <blockquote className="tg-quote">{children}</blockquote>;
    case 'expandable_blockquote':
      return <ExpandableQuote>{children}</ExpandableQuote>;
    case 'text_link':
      return <ExternalLink href={entity.url ?? ''}>{children}</ExternalLink>;
    case 'url':
      return <ExternalLink href={hrefOfUrl(node.text)}>{children}</ExternalLink>;
    case 'email':
      return <ExternalLink href={`mailto:${node.text}`}>{children}</ExternalLink>;
    case 'phone_number':
      return <ExternalLink href={`tel:${node.text.replace(/[^\d+]/g, '')}`}>{children}</ExternalLink>;
    case 'mention':
      return <ExternalLink href={`https://t.me/${node.text.replace(/^@/, '')}`}>{children}</ExternalLink>;
    case 'text_mention':
      return (
        <span className="tg-link" title={`Telegram user ${entity.user?.id ?? ''}`}>
          {children}
        </span>
      );
    case 'bot_command':
      return context.onCommand ? (
        <button type="button" className="tg-link tg-command" onClick={() => context.onCommand?.(node.text)}>
          {children}
        </button>
      ) : (
        <span className="tg-link">{children}</span>
      );
    case 'hashtag':
    case 'cashtag':
      return <span className="tg-link">{children}</span>;
    default:
      // custom_emoji, date_time and future types: the text itself is the best fallback.
      return <>{children}</>;
  }
}

function ExternalLink({ href, children }: { href: string; children: ReactNode }): ReactNode {
  if (!isSafeHref(href)) return <span className="tg-link">{children}</span>;
  return (
    <a className="tg-link" href={href} target="_blank" rel="noopener noreferrer" title={href}>
      {children}
    </a>
  );
}

/** Hidden text that shows on click or Enter, like Telegram's spoiler dust. */
function Spoiler({ children }: { children: ReactNode }): ReactNode {
  const [revealed, setRevealed] = useState(false);
  if (revealed) return <span className="tg-spoiler is-revealed">{children}</span>;
  const reveal = () => setRevealed(true);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      reveal();
    }
  };
  return (
    <span className="tg-spoiler" role="button" tabIndex={0} aria-label="Hidden text, press to reveal" onClick={reveal} onKeyDown={onKeyDown}>
      <span aria-hidden="true">{children}</span>
    </span>
  );
}

/** A quote that shows three lines until expanded. */
function ExpandableQuote({ children }: { children: ReactNode }): ReactNode {
  const [expanded, setExpanded] = useState(false);
  return (
    <blockquote className={`tg-quote tg-quote-expandable${expanded ? ' is-expanded' : ''}`}>
      {children}
      <button type="button" className="tg-quote-toggle" aria-expanded={expanded} onClick={() => setExpanded(!expanded)}>
        {expanded ? 'Show less' : 'Show more'}
      </button>
    </blockquote>
  );
}
