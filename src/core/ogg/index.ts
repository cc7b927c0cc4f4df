export {
  OPUS_GRANULE_RATE,
  OPUS_PRESKIP_48K,
  OPUS_VENDOR,
  opusHead,
  opusTags,
  opusPacketSamples48k,
  type OpusHeadOptions,
} from './opus-packet.js';
export {
  OGG_PAGE_DURATION_S,
  OggOpusPacketError,
  oggOpusNodeStream,
  oggOpusPages,
  oggOpusStream,
  writeOggOpus,
  type OggOpusOptions,
  type OpusPacketSource,
} from './ogg-opus.js';
