/** Whether this device shows the captions over the video: on unless the person turned them off, remembered across visits. */

const KEY = 'aukio.captions.hidden';

function readHidden(): boolean {
  try {
    return globalThis.localStorage?.getItem(KEY) === '1';
  } catch {
    return false;
  }
}

class CaptionPreference {
  shown = $state(!readHidden());

  toggle(): void {
    this.shown = !this.shown;
    try {
      if (this.shown) globalThis.localStorage?.removeItem(KEY);
      else globalThis.localStorage?.setItem(KEY, '1');
    } catch {
      // Storage may be unavailable (private mode): the choice then lasts for this page only.
    }
  }
}

export const captionPreference = new CaptionPreference();
