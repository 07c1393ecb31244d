/// A configuration printed, interpolated or dumped — by a debug log line, a service group
/// naming its services, a crash report — never shows the secret key or the database password.
extension ServerConfiguration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "ServerConfiguration(address: \(host):\(port), database: \(redactedDatabaseURL), data: \(dataDirectory), files: \(fileStore.rawValue), "
            + "public URL: \(publicURL ?? "none"), secret key: \(secretKey == nil ? "from the data directory" : "set (hidden)"))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: [
            "host": host, "port": port, "databaseURL": redactedDatabaseURL, "dataDirectory": dataDirectory, "fileStore": fileStore.rawValue, "s3": s3,
            "publicURL": publicURL as Any, "smtpPort": smtpPort as Any, "smtpMode": smtpMode, "logLevel": logLevel,
            "secretKey": secretKey == nil ? "unset" : "(hidden)", "mailOAuthProviders": mailOAuthProviders,
        ], displayStyle: .struct)
    }
}

extension SecretBox: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    var description: String { "SecretBox(key hidden)" }
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

extension S3Settings: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    var description: String {
        "S3Settings(endpoint: \(endpoint), bucket: \(bucket), region: \(region), access key: \(accessKeyID), secret: \(secretAccessKey.isEmpty ? "unset" : "(hidden)"))"
    }
    var debugDescription: String { description }
    var customMirror: Mirror {
        Mirror(self, children: ["endpoint": endpoint, "bucket": bucket, "region": region, "accessKeyID": accessKeyID, "prefix": prefix,
                                "secretAccessKey": secretAccessKey.isEmpty ? "unset" : "(hidden)"], displayStyle: .struct)
    }
}

extension SigV4: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    var description: String { "SigV4(\(accessKeyID), \(region), secret hidden)" }
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: ["accessKeyID": accessKeyID, "region": region], displayStyle: .struct) }
}

extension MailOAuthProvider: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    var description: String { "MailOAuthProvider(\(name), client \(clientID), secret hidden)" }
    var debugDescription: String { description }
    var customMirror: Mirror { Mirror(self, children: ["name": name, "clientID": clientID], displayStyle: .struct) }
}
