/**
 * The entry of the script-tag build (`tts-checkout.js`, an IIFE): it registers `<tts-checkout>`
 * and exports nothing, so the script adds no global of its own to the partner's page.
 */
import './tts-checkout.js';
