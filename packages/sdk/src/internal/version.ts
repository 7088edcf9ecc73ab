/** The package version, for the User-Agent; a test keeps it equal to package.json's. */
export const sdkVersion = '0.1.0'
