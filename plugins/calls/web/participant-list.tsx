import { Icon } from './icons.tsx';
import { hue, initials } from './video-tile.tsx';

/** A row of the participant list. */
export interface PersonRow {
  address: string;
  name: string;
  me: boolean;
  local: boolean;
  server: string;
  audio: boolean;
  video: boolean;
  screen: boolean;
  speaking: boolean;
}

/** Who is in the call: names, whether each is on this server or another, microphone and camera, who speaks. */
export function ParticipantList(props: { people: PersonRow[]; onClose: () => void }) {
  return (
    <aside class="call-people" aria-label="Participants">
      <div class="call-people-head">
        <h2>In the call ({props.people.length})</h2>
        <button type="button" class="btn-icon" aria-label="Close participants" onClick={props.onClose}>
          ×
        </button>
      </div>
      <ul>
        {props.people.map((p) => (
          <li
            key={p.address}
            class="call-person"
            data-testid="participant"
            data-address={p.address}
            data-speaking={p.speaking}
          >
            <span
              class={`call-person-avatar${p.speaking ? ' call-person-speaking' : ''}`}
              style={{ '--hue': String(hue(p.address)) }}
              aria-hidden="true"
            >
              {initials(p.name)}
            </span>
            <span class="call-person-text">
              <span class="call-person-name">
                {p.name}
                {p.me ? ' (you)' : ''}
              </span>
              <span class="call-person-server">
                <span class={`call-tag ${p.local ? 'call-tag-local' : 'call-tag-remote'}`}>
                  {p.local ? 'local' : 'remote'}
                </span>{' '}
                {p.server}
              </span>
            </span>
            <span class="call-person-icons">
              {p.screen && <Icon name="screen" size={16} />}
              <span
                role="img"
                aria-label={p.audio ? 'microphone on' : 'microphone off'}
                class={p.audio ? '' : 'call-off'}
              >
                <Icon name={p.audio ? 'mic' : 'micOff'} size={16} />
              </span>
              <span role="img" aria-label={p.video ? 'camera on' : 'camera off'} class={p.video ? '' : 'call-off'}>
                <Icon name={p.video ? 'cam' : 'camOff'} size={16} />
              </span>
            </span>
          </li>
        ))}
      </ul>
    </aside>
  );
}
