// A camera frame's luma plane as the core reads it, and (on Apple platforms) a zero-copy view of
// plane 0 of a CVPixelBuffer from AVCaptureVideoDataOutput.
import Foundation
import Kunci
#if canImport(CoreVideo)
import CoreVideo
#endif

public struct LumaFrame: Sendable {
    public let width: UInt32
    public let height: UInt32
    /// Bytes from one row to the next (CVPixelBuffer's bytesPerRow; often more than width).
    public let rowStride: UInt32
    public let bytes: Data

    public init(width: UInt32, height: UInt32, rowStride: UInt32, bytes: Data) {
        self.width = width
        self.height = height
        self.rowStride = rowStride
        self.bytes = bytes
    }

    /// What the QR codes in this frame are (previews: kinds and names, never a secret);
    /// `NotAQrCode` (see `KunciError.isNoCodeInFrame`) means keep scanning. To save one, pass
    /// the frame to `Authenticator.enrollFrame`.
    public func decode(thorough: Bool = false) throws -> [QrPreview] {
        try decodeQrFrame(width: width, height: height, rowStride: rowStride, frame: bytes, thorough: thorough)
    }
}

#if canImport(CoreVideo)
extension LumaFrame {
    /// Runs `body` with plane 0 of a bi-planar 4:2:0 buffer
    /// (kCVPixelFormatType_420YpCbCr8BiPlanarFullRange or ...VideoRange), without copying, while
    /// the buffer is locked read-only. The frame must not escape `body`. nil for other formats.
    public static func withLumaPlane<T>(of buffer: CVPixelBuffer, _ body: (LumaFrame) throws -> T) rethrows -> T? {
        let format = CVPixelBufferGetPixelFormatType(buffer)
        guard format == kCVPixelFormatType_420YpCbCr8BiPlanarFullRange
            || format == kCVPixelFormatType_420YpCbCr8BiPlanarVideoRange else { return nil }
        guard CVPixelBufferLockBaseAddress(buffer, .readOnly) == kCVReturnSuccess else { return nil }
        defer { CVPixelBufferUnlockBaseAddress(buffer, .readOnly) }
        guard let base = CVPixelBufferGetBaseAddressOfPlane(buffer, 0) else { return nil }
        let width = CVPixelBufferGetWidthOfPlane(buffer, 0)
        let height = CVPixelBufferGetHeightOfPlane(buffer, 0)
        let stride = CVPixelBufferGetBytesPerRowOfPlane(buffer, 0)
        let bytes = Data(bytesNoCopy: base, count: stride * height, deallocator: .none)
        return try body(LumaFrame(width: UInt32(width), height: UInt32(height), rowStride: UInt32(stride), bytes: bytes))
    }
}
#endif
