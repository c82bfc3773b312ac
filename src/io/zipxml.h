/* Zip entries read with minizip and parsed with expat, shared by the xlsx and ods readers:
 * limits on entry count, sizes and inflate ratio; no DTDs; streamed parsing. */
#ifndef WS_IO_ZIPXML_H
#define WS_IO_ZIPXML_H
#endif
