/// Everything a decode needs besides the object: the raw input (for derived ids) and options.
struct DecodingContext {
    let input: [UInt8]
    let options: DecodingOptions
}
