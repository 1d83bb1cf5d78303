/** The app's version, as in package.json (a test keeps the two in step). Written into every
 * trace header so a trace says which build recorded it. */
export const APP_VERSION = '0.1.0'
